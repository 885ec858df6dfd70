// The rules of the process tree: waiting for children (wait4(2),
// waitid(2)), process groups and sessions (setpgid(2), setsid(2)).
#pragma once

#include "../core/Usage.h"
#include "../kstd/ErrorOr.h"

namespace husk {

class Process;

class ProcessTree {
public:
    // Which children a wait is for.
    struct Target {
        enum class Kind { Any, Pid, Group } kind;
        uint32_t id; // the pid or process group
    };
    // wait options (linux/wait.h).
    static constexpr unsigned kNoHang = 1, kUntraced = 2, kStopped = 2, kExited = 4, kContinued = 8,
                              kNoWait = 0x01000000, kNoThread = 0x20000000, kAll = 0x40000000,
                              kClone = 0x80000000;
    // What a wait found: pid 0 when kNoHang and no child has changed yet.
    struct Change {
        uint32_t pid { 0 };
        uint32_t uid { 0 };
        int wait_status { 0 }; // wait4's status word
        int code { 0 };        // waitid's si_code: CLD_EXITED, CLD_KILLED
        int status { 0 };      // waitid's si_status: exit status or signal
        Usage usage;           // the child's and its reaped children's (rusage)
    };

    // Waits for a child of `parent` matching target to end; reaps it unless
    // kNoWait. ECHILD when no child matches (or all are reaped on their own),
    // EINVAL for options.
    static kstd::ErrorOr<Change> wait(Process& parent, Target target, unsigned options);

    // setpgid(2) by `caller` of pid (0: itself) to pgid (0: the pid).
    static kstd::ErrorOr<void> set_group(Process& caller, uint32_t pid, uint32_t pgid);
    // setsid(2): caller leads a new session and group. EPERM when it
    // already leads a group.
    static kstd::ErrorOr<uint32_t> new_session(Process& caller);
};

} // namespace husk
