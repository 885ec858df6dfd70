// A process: identity, credentials, working directory, root, umask, a
// (shareable) fd table, its program's address space and threads, and its
// place in the process tree (parent, children, process group, session).
// Never a global singleton: every syscall finds its process through the
// current thread.
//
// Life: fork() makes one; exit() (exit_group, the last thread's exit, a
// fatal signal) decides its status and asks its threads to stop; when the
// last program thread is gone it is a zombie (descriptors closed, memory
// returned, children given to pid 1) until its parent reaps it with wait
// (ProcessTree.cpp), or at once when the parent does not wait (SIGCHLD
// ignored, SA_NOCLDWAIT).
#pragma once

#include "../abi/Linux.h"
#include "../core/WaitQueue.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/IntrusiveList.h"
#include "../core/Thread.h"
#include "../kstd/RefPtr.h"
#include "../kstd/String.h"
#include "../vfs/Credentials.h"
#include "../vfs/FdTable.h"
#include "../vfs/PathContext.h"
#include "../vfs/Vnode.h"
#include "ProcessImage.h"
#include "Signals.h"

namespace husk {

class AddressSpace;
class FileSystem;
struct PosixTimerTable;

class Process : public kstd::HeapObject {
public:
    kstd::ListNode all_node;
    kstd::ListNode child_node;
    using ChildList = kstd::IntrusiveList<Process, &Process::child_node>;

    static kstd::ErrorOr<Process*> create(const char* name, Process* parent);
    // fork(2): a child of `parent` with copies of its credentials, cwd,
    // root, umask, signal dispositions, name, process group and session,
    // and a copy of its descriptor table (the open files shared). Its
    // address space and first thread are the caller's to add.
    static kstd::ErrorOr<Process*> fork(Process& parent);
    // Undoes a fork whose child never ran.
    void discard() { delete this; }
    ~Process();

    static Process& current();
    // Pid 1: the first process, which adopts orphans (nullptr before boot).
    static Process* init();
    // The current thread's process's address space, or nullptr (none, or
    // no process): what mm asks for (AddressSpace::set_current_lookup).
    static AddressSpace* current_address_space();

    uint32_t pid() const { return m_pid; }
    uint32_t ppid() const { return m_parent ? m_parent->m_pid : 0; }
    Process* parent() const { return m_parent; }
    // Makes it a child of new_parent (CLONE_PARENT, orphans to pid 1).
    void reparent(Process& new_parent);
    ChildList& children() { return m_children; }
    // Process group and session (setpgid(2), setsid(2)).
    uint32_t pgid() const { return m_pgid; }
    uint32_t sid() const { return m_sid; }
    void set_pgid(uint32_t pgid) { m_pgid = pgid; }
    void set_sid(uint32_t sid) { m_sid = sid; }
    // PR_SET_CHILD_SUBREAPER: orphaned descendants come to it, not to pid 1.
    bool is_subreaper() const { return m_subreaper; }
    void set_subreaper(bool on) { m_subreaper = on; }
    // Whether it has run execve since fork (setpgid's EACCES).
    bool has_execed() const { return m_execed; }
    void set_execed() { m_execed = true; }
    const char* name() const { return m_name; }
    void set_name(kstd::StringView name);
    Credentials& credentials() { return m_credentials; }
    uint32_t umask() const { return m_umask; }
    // The nice value (-20..19; kept, the scheduler has one priority) and
    // the scheduling policy (SCHED_OTHER, SCHED_BATCH or SCHED_IDLE).
    int nice() const { return m_nice; }
    void set_nice(int nice) { m_nice = nice; }
    int sched_policy() const { return m_sched_policy; }
    // personality(2): PER_LINUX with its flag bits, kept for queries.
    unsigned personality() const { return m_personality; }
    void set_personality(unsigned p) { m_personality = p; }
    int sched_priority() const { return m_sched_priority; }
    void set_sched_policy(int policy, int priority)
    {
        m_sched_policy = policy;
        m_sched_priority = priority;
    }
    void set_umask(uint32_t mask) { m_umask = mask & 0777; }
    kstd::RefPtr<Vnode> cwd() const { return m_cwd; }
    void set_cwd(kstd::RefPtr<Vnode> v) { m_cwd = kstd::move(v); }
    kstd::RefPtr<Vnode> root() const { return m_root; }
    void set_root(kstd::RefPtr<Vnode> v) { m_root = kstd::move(v); }
    // What the VFS needs of the process to walk paths and make names.
    PathContext path_context() const { return { m_root, m_cwd, m_credentials, m_umask }; }
    FdTable& fds() { return *m_fds; }
    void set_fds(kstd::RefPtr<FdTable> fds) { m_fds = kstd::move(fds); }
    // The application's memory (unikernel use); nullptr for local clients.
    AddressSpace* address_space() const { return m_address_space.ptr(); }
    void set_address_space(kstd::RefPtr<AddressSpace> as);
    // The program the process runs (fault reports name functions from its
    // symbols), or nullptr.
    const ProcessImage* image() const { return m_image.ptr(); }
    void set_image(kstd::RefPtr<ProcessImage> image) { m_image = kstd::move(image); }
    // The executable file and its absolute path (/proc/PID/exe), or nullptr.
    kstd::RefPtr<Vnode> executable() const { return m_executable; }
    kstd::StringView executable_path() const { return m_executable_path.view(); }
    // While it runs, the file is not written (Vnode::deny_write_access).
    void set_executable(kstd::RefPtr<Vnode> v, kstd::String path);
    // The program's arguments as execve received them, each followed by a
    // NUL (/proc/PID/cmdline); empty for local clients and zombies.
    kstd::StringView command_line() const { return m_command_line.view(); }
    void set_command_line(kstd::String line) { m_command_line = kstd::move(line); }

    // Signals (Signals.h): the dispositions its threads share, those sent
    // to the process that no thread took yet, its program threads, its
    // ITIMER_REAL, and a local client's own thread state (a program's
    // threads keep theirs in Thread).
    ProcessSignals& signals() { return m_signals; }
    SignalActions& signal_actions() { return m_signals.actions; }
    SignalQueue& pending_signals() { return m_signals.pending; }
    ThreadSignals& client_signals() { return m_signals.client; }

    // exit_group or the last thread's exit (status 0..255), or a fatal
    // signal: how the process ends. The first reason stands. Its program
    // threads are asked to stop; exit_waiters() wake.
    bool exiting() const { return m_exiting; }
    void exit(int status);
    void exit_by_signal(int sig);
    // What a shell sees: the status, or 128 + the signal (husk run's).
    int exit_status() const { return m_exit_status; }
    // What wait(2) reports: status << 8, or the signal (WIFSIGNALED).
    int wait_status() const { return m_wait_status; }
    WaitQueue& exit_waiters() { return m_exit_waiters; }

    // Threads running the process's program (Signals::thread_started and
    // thread_ended keep the list).
    size_t program_threads() const { return m_signals.threads.size(); }
    auto& threads() { return m_signals.threads; }
    // The calling program thread is done with the process (after
    // Signals::thread_ended). The last one makes it a zombie (or frees it):
    // the caller must not touch it after.
    void remove_program_thread(Thread& t);

    // What the process used (getrusage RUSAGE_SELF: its threads, ended
    // ones included) and what its reaped children used (RUSAGE_CHILDREN:
    // theirs and their own reaped children's, added when waited for).
    Usage usage();
    const Usage& children_usage() const { return m_children_usage; }
    void add_reaped_child(const Usage& child) { m_children_usage += child; }
    // Takes an address space's peak of resident pages into ru_maxrss.
    void note_resident(size_t pages);

    // ITIMER_VIRTUAL and ITIMER_PROF (CpuTimers.h): deadlines in the
    // process's user time and CPU time, and their intervals; 0: disarmed.
    struct CpuTimer {
        uint64_t deadline_ns { 0 }, interval_ns { 0 };
    };
    CpuTimer& cpu_timer(int which) { return m_cpu_timers[which == linux::ITIMER_VIRTUAL ? 0 : 1]; }
    bool cpu_timers_armed() const
    {
        return m_cpu_timers[0].deadline_ns || m_cpu_timers[1].deadline_ns || m_posix_cpu_timers_armed;
    }
    // POSIX timers (PosixTimers.h): the process's table (nullptr until
    // its first timer_create), and whether one runs on a CPU-time clock.
    PosixTimerTable*& posix_timers() { return m_posix_timers; }
    void set_posix_cpu_timers_armed(bool armed) { m_posix_cpu_timers_armed = armed; }
    // After a CPU-time timer was armed or disarmed: its threads' slice ends
    // bring them back from the program to check (or stop doing so) now —
    // a thread already computing must not wait for its next system call.
    void cpu_timers_changed();

    bool is_zombie() const { return m_zombie; }
    // The signal the parent gets when this child ends (clone's low byte).
    int exit_signal() const { return m_exit_signal; }
    void set_exit_signal(int sig) { m_exit_signal = sig; }
    // Parents wait here for a child's change of state (wait4, waitid).
    WaitQueue& child_waiters() { return m_child_waiters; }
    // vfork(2): the parent sleeps on a VforkDone of its own until the
    // child execs or ends (the child may be gone by the time it wakes).
    struct VforkDone {
        WaitQueue waiters;
        bool done { false };
    };
    void set_vfork_parent(VforkDone* done) { m_vfork = done; }
    void release_vfork_parent();

    // Subsystems above proc that keep state per process (System V
    // semaphores' SEM_UNDO adjustments) hear of each exit, as the process
    // becomes a zombie; at most kMaxExitHooks, installed at boot.
    using ExitHook = void (*)(Process&);
    static constexpr size_t kMaxExitHooks = 4;
    static void add_exit_hook(ExitHook hook);

    // Whether any process has its cwd or root on fs (umount's EBUSY).
    static bool any_inside(const FileSystem& fs);
    static size_t count();
    // The process with this pid (zombies included), or nullptr.
    static Process* find(uint32_t pid);
    // Calls fn(Process&) for every process (zombies included); fn must not
    // destroy any.
    template<typename Fn>
    static void for_each(Fn fn);
    // Whether any process is in group pgid (setpgid's EPERM).
    static bool group_exists(uint32_t pgid);

private:
    Process() = default;
    // The last thread is gone: what exit(2) does after the threads.
    void become_zombie();
    void release_fds();
    static kstd::IntrusiveList<Process, &Process::all_node>& all();

    uint32_t m_pid { 0 };
    Process* m_parent { nullptr };
    ChildList m_children;
    uint32_t m_pgid { 0 };
    uint32_t m_sid { 0 };
    bool m_execed { false };
    bool m_subreaper { false };
    char m_name[16] {};
    Credentials m_credentials;
    uint32_t m_umask { 022 };
    int m_nice { 0 };
    int m_sched_policy { 0 };
    int m_sched_priority { 0 };
    unsigned m_personality { 0 };
    kstd::RefPtr<Vnode> m_cwd;
    kstd::RefPtr<Vnode> m_root;
    kstd::RefPtr<FdTable> m_fds;
    kstd::RefPtr<AddressSpace> m_address_space;
    kstd::RefPtr<ProcessImage> m_image;
    kstd::RefPtr<Vnode> m_executable;
    bool m_executable_denies_write { false };
    kstd::String m_executable_path;
    kstd::String m_command_line;
    ProcessSignals m_signals;
    WaitQueue m_exit_waiters;
    bool m_exiting { false };
    bool m_zombie { false };
    int m_exit_status { 0 };
    int m_wait_status { 0 };
    int m_exit_signal { 0 };
    WaitQueue m_child_waiters;
    VforkDone* m_vfork { nullptr };
    Usage m_ended_threads_usage, m_children_usage;
    uint64_t m_peak_resident_kib { 0 };
    CpuTimer m_cpu_timers[2];
    PosixTimerTable* m_posix_timers { nullptr };
    bool m_posix_cpu_timers_armed { false };
};

template<typename Fn>
void Process::for_each(Fn fn)
{
    for (Process& p : all())
        fn(p);
}

} // namespace husk
