// A set of signals as Linux stores it (sigset_t: bit sig - 1), and what
// each thread keeps: the signals it blocks and those waiting for it. Values
// only, in abi/ so that core's Thread can hold them below proc (and
// without the Linux ABI's names, which clash with host headers in unit tests).
#pragma once

#include "../kstd/Types.h"

namespace husk {

class SignalSet {
public:
    constexpr SignalSet() = default;
    static constexpr SignalSet from_bits(uint64_t bits) { return SignalSet(bits); }
    static constexpr SignalSet of(int sig) { return SignalSet(bit(sig)); }

    constexpr uint64_t bits() const { return m_bits; }
    constexpr bool is_empty() const { return m_bits == 0; }
    constexpr bool contains(int sig) const { return m_bits & bit(sig); }
    constexpr SignalSet operator|(SignalSet other) const { return SignalSet(m_bits | other.m_bits); }
    constexpr SignalSet operator&(SignalSet other) const { return SignalSet(m_bits & other.m_bits); }
    constexpr SignalSet without(SignalSet other) const { return SignalSet(m_bits & ~other.m_bits); }
    void add(int sig) { m_bits |= bit(sig); }

private:
    constexpr explicit SignalSet(uint64_t bits) : m_bits(bits) { }
    static constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }
    uint64_t m_bits { 0 };
};

// A thread's signal state (rt_sigprocmask, tkill): a new thread inherits
// its creator's blocked set and starts with nothing pending.
struct ThreadSignals {
    SignalSet blocked;
    SignalSet pending; // sent to this thread while blocked
};

} // namespace husk
