// A set of signals as Linux stores it (sigset_t: bit sig - 1), the signals
// waiting for delivery with their siginfo, and what each thread keeps. In
// abi/ so that core's Thread can hold them below proc, and without the
// Linux ABI's names, which clash with host headers in unit tests (siginfo
// is only declared here; SignalQueue.cpp sees it whole).
#pragma once

#include "../kstd/IntrusiveList.h"
#include "../kstd/Memory.h"
#include "../kstd/Types.h"

namespace husk {

namespace linux {
struct siginfo;
}

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
    constexpr bool operator==(const SignalSet&) const = default;
    void add(int sig) { m_bits |= bit(sig); }
    void remove(int sig) { m_bits &= ~bit(sig); }
    // The lowest signal in the set, 0 when empty.
    constexpr int lowest() const { return m_bits ? __builtin_ctzll(m_bits) + 1 : 0; }

private:
    constexpr explicit SignalSet(uint64_t bits) : m_bits(bits) { }
    static constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }
    uint64_t m_bits { 0 };
};

// Signals waiting for delivery (Linux's struct sigpending): which, and the
// siginfo of each. A standard signal (1..31) is pending once: sending it
// again while it waits changes nothing. Real-time signals queue every
// instance, in the order sent.
class SignalQueue {
public:
    static constexpr size_t kMaxQueued = 1024; // per queue (Linux: RLIMIT_SIGPENDING per user)

    SignalQueue() = default;
    SignalQueue(const SignalQueue&) = delete;
    SignalQueue& operator=(const SignalQueue&) = delete;
    ~SignalQueue() { clear(); }

    SignalSet set() const { return m_set; }
    bool contains(int sig) const { return m_set.contains(sig); }
    enum class Added { Queued, AlreadyPending, Full };
    // Queues info (its si_signo). A standard signal keeps only its first
    // siginfo, and is still marked pending when no memory is left for it.
    // `timer`: the POSIX timer (its id) whose signal this is, -1 if none;
    // a timer's signal is always queued (a standard one too, beside an
    // instance already pending, as Linux's preallocated entry).
    Added add(const linux::siginfo& info, int timer = -1);
    // Takes the oldest instance of sig into info (a standard signal marked
    // without memory gets a siginfo of SI_KERNEL); false if none waits.
    // *timer: the POSIX timer it came from, or -1.
    bool take(int sig, linux::siginfo& info, int* timer = nullptr);
    // Whether timer `timer`'s signal waits here (Linux queues it once).
    bool holds_timer(int timer) const;
    // Drops every instance of the signals in `which`.
    void discard(SignalSet which);
    void clear() { discard(SignalSet::from_bits(~0ull)); }

private:
    struct Entry : kstd::HeapObject {
        int sig;
        int timer;
        alignas(8) uint8_t info[128]; // a linux::siginfo
        kstd::ListNode node;
    };
    SignalSet m_set;
    size_t m_count { 0 };
    kstd::IntrusiveList<Entry, &Entry::node> m_entries;
};

// Linux's restart_block: how restart_syscall resumes a call that
// ERESTART_RESTARTBLOCK interrupted with no handler run (a sleep goes on
// until its original deadline).
struct RestartBlock {
    long (*resume)(RestartBlock&) { nullptr };
    uint64_t deadline { 0 };
    uint64_t args[4] {};
};

// A thread's signal state: a new thread inherits its creator's blocked set
// and starts with nothing pending and no alternate stack.
struct ThreadSignals {
    SignalSet blocked;
    // rt_sigtimedwait: the mask before the awaited signals were let
    // through (they still count as blocked when deciding to ignore one).
    SignalSet real_blocked;
    SignalQueue pending; // sent to this thread (tkill, faults)
    // sigsuspend, ppoll, pselect6, epoll_pwait: the mask to put back once
    // the handler of the signal that ended the call is set up (Linux's
    // saved_sigmask with TIF_RESTORE_SIGMASK).
    SignalSet saved_blocked;
    bool restore_blocked { false };
    // sigaltstack: the stack and the flags it was given (Linux's sas_ss_*;
    // size 0: none).
    uint64_t altstack_sp { 0 };
    uint64_t altstack_size { 0 };
    uint32_t altstack_flags { 2 }; // SS_DISABLE
    // The system call the thread is in (its number), -1 otherwise: the way
    // back to user space restarts it (Linux's orig_ax).
    long syscall_nr { -1 };
    RestartBlock restart;
    // The last CPU fault (what Linux keeps for sigcontext's trapno, err
    // and cr2).
    uint32_t fault_code { 0 };
    uint32_t fault_error { 0 };
    uint64_t fault_address { 0 };
};

} // namespace husk
