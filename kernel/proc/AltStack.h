// Linux's on_sig_stack and sas_ss_flags for a thread's alternate signal
// stack (sigaltstack): shared by sigaltstack itself and frame delivery.
// SS_AUTODISARM makes a thread never "on" its alternate stack.
#pragma once

#include "../abi/Linux.h"
#include "../abi/SignalSet.h"

namespace husk::altstack {

inline bool within(const ThreadSignals& ts, uint64_t sp) { return sp > ts.altstack_sp && sp - ts.altstack_sp <= ts.altstack_size; }
inline bool on_altstack(const ThreadSignals& ts, uint64_t sp)
{
    return !(ts.altstack_flags & linux::SS_AUTODISARM) && within(ts, sp);
}
inline int altstack_state(const ThreadSignals& ts, uint64_t sp)
{
    if (!ts.altstack_size)
        return linux::SS_DISABLE;
    return on_altstack(ts, sp) ? linux::SS_ONSTACK : 0;
}

} // namespace husk::altstack
