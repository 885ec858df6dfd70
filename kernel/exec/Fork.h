// fork(2), vfork(2) and clone(2) without CLONE_THREAD: a new process
// running a copy of the caller's program (copy-on-write memory), or
// sharing its memory (CLONE_VM: what vfork and posix_spawn use) until it
// execs or exits.
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"

namespace husk {

class Process;
class Thread;

class Fork {
public:
    // clone(2)'s flags (linux/sched.h) that concern a new process.
    static constexpr uint64_t kVm = 0x100, kFs = 0x200, kFiles = 0x400, kSighand = 0x800, kPtrace = 0x2000,
                              kVfork = 0x4000, kParent = 0x8000, kThread = 0x10000, kSysvsem = 0x40000,
                              kSettls = 0x80000, kParentSettid = 0x100000, kChildCleartid = 0x200000,
                              kDetached = 0x400000, kUntraced = 0x800000, kChildSettid = 0x1000000,
                              kIo = 0x80000000, kExitSignal = 0xff;
    struct Request {
        uint64_t flags;
        uint64_t stack; // 0: the caller's stack pointer
        uint64_t tls;
        uint64_t child_tid; // CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID word
    };

    // The most processes that may exist at once (a fork bomb gets EAGAIN
    // here, before memory runs out): as Linux's threads-max, at most an
    // eighth of memory in kernel stacks, between 32 and 4096. RLIMIT_NPROC.
    static size_t max_processes();

    // Makes the child and starts its thread at regs (clone returns 0 in
    // it); with CLONE_VFORK, returns only once the child has execed or
    // ended. Returns the child's pid. EINVAL (flags), EAGAIN (too many
    // processes), ENOMEM.
    static kstd::ErrorOr<uint32_t> clone_process(Process& parent, Thread& caller, const husk_user_regs& regs,
                                                 const Request& request);
};

} // namespace husk
