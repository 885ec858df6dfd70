// A kernel thread: a saved CPU context, a stack and scheduling state. Every
// client system call runs on one (local clients' host threads are adopted).
#pragma once

#include <husk/platform.h>
#include "../kstd/IntrusiveList.h"
#include "../kstd/Memory.h"
#include "../abi/SignalSet.h"
#include "Timer.h"
#include "Usage.h"

namespace husk {

class Process;
struct WaitQueueWaiter;

class Thread : public kstd::HeapObject {
public:
    static constexpr size_t kStackBytes = 64 * 1024; // each thread's kernel stack

    enum class State { Ready, Running, Blocked, Dead };
    using Entry = void (*)(void* arg);

    // A new thread that will run entry(arg) on its own kernel stack. Its
    // id is `tid` when given (a process's first program thread takes the
    // pid, as on Linux), else a new one.
    static Thread* create(const char* name, Entry entry, void* arg, Process* process = nullptr, uint32_t tid = 0);
    // The same, not yet ready: the caller sets it up (its address space,
    // its CPUs) before Scheduler::wake lets a CPU switch to it.
    static Thread* create_stopped(const char* name, Entry entry, void* arg, Process* process = nullptr,
                                  uint32_t tid = 0);
    // A new id from the space threads and processes share (pids are tids).
    static uint32_t allocate_id();
    // How many ids were given out since boot (Linux's forks count, /proc/stat).
    static uint32_t ids_allocated();
    // Wraps the execution context the kernel was entered on.
    static Thread* adopt_current(const char* name, Process* process);

    ~Thread();

    const char* name() const { return m_name; }
    uint32_t tid() const { return m_tid; }
    State state() const { return m_state; }
    Process* process() const { return m_process; }
    void set_process(Process* p) { m_process = p; }

    // Whether a timer interrupt may switch away from this thread at any
    // instruction. Kernel code is not preemptible (it relies on running
    // until it blocks); application code and compute-only kernel loops are.
    bool preemptible() const { return m_preemptible; }

    // The application address space this thread runs in (the platform's
    // handle), or nullptr: the scheduler makes it the CPU's on every switch
    // to the thread, so user copies always reach the thread's own process.
    husk_aspace_t* user_space() const { return m_user_space; }
    void set_user_space(husk_aspace_t* space) { m_user_space = space; }

    // Something wants the thread out of application code at the next
    // chance (a fatal signal, exit_group, execve, a signal to deliver): a
    // platform interrupt that arrives while it runs application code ends
    // the run (HUSK_TRAP_INTERRUPTED) instead of resuming it.
    bool needs_attention() const { return __atomic_load_n(&m_attention, __ATOMIC_ACQUIRE); }
    void request_attention();
    void clear_attention() { m_attention = false; }

    // The registers of the application code this thread runs (unikernel
    // use), while it is in a system call: arch_prctl and friends change them.
    husk_user_regs* user_regs() const { return m_user_regs; }
    void set_user_regs(husk_user_regs* regs) { m_user_regs = regs; }
    // exit(2) of a program thread: the thread ends, the process only with
    // its last thread.
    bool exit_requested() const { return m_exit_requested; }
    int exit_code() const { return m_exit_code; }
    void request_exit(int code)
    {
        m_exit_requested = true;
        m_exit_code = code;
    }
    // The signals a program thread blocks and those waiting for it.
    ThreadSignals& signals() { return m_signals; }
    // Whether a signal it does not block waits for it, or its process is
    // ending (Linux's TIF_SIGPENDING): kernel/proc keeps it up to date; an
    // interruptible wait (WaitQueue::wait_interruptible) ends on it, and
    // the thread leaves its program to act on it.
    // Read without the big lock by an unlocked wait (under the scheduler
    // lock, which the sender's WaitQueue::interrupt takes after setting it).
    bool signal_pending() const { return __atomic_load_n(&m_signal_pending, __ATOMIC_ACQUIRE); }
    void set_signal_pending(bool pending) { __atomic_store_n(&m_signal_pending, pending, __ATOMIC_RELEASE); }
    // set_tid_address(2): zeroed and futex-woken when the thread ends.
    uintptr_t clear_child_tid() const { return m_clear_child_tid; }
    void set_clear_child_tid(uintptr_t address) { m_clear_child_tid = address; }
    // set_robust_list(2): the head of its list of held robust locks, or 0.
    uintptr_t robust_list() const { return m_robust_list; }
    void set_robust_list(uintptr_t head) { m_robust_list = head; }

    // What the thread used so far (its running slice included). The
    // scheduler counts its CPU time; the program-time part is what passed
    // between run_program_began and run_program_ended.
    Usage usage() const;
    void run_program_began() { m_program_mark = cpu_ns(); }
    void run_program_ended();
    // By the thread itself, with or without the big lock (others read it).
    void count_minor_fault() { __atomic_store_n(&m_minor_faults, m_minor_faults + 1, __ATOMIC_RELAXED); }

    // CPU-time interval timers are armed for its process: the scheduler
    // brings the thread out of application code at the end of each slice,
    // so that they are checked (as Linux checks them at each tick).
    void set_watch_cpu_time(bool on) { m_watch_cpu_time = on; }

    // The CPU it runs on, or ran on last (0 before it first ran).
    unsigned cpu() const { return m_cpu == ~0u ? 0 : m_cpu; }
    // The CPUs it may run on (sched_setaffinity), bit N for CPU N; a new
    // program thread gets its creator's (Scheduler::set_affinity moves it).
    uint64_t affinity() const { return m_affinity; }
    bool may_run_on(unsigned cpu) const { return cpu < 64 && ((m_affinity >> cpu) & 1); }

    // Ends the calling thread; never returns.
    [[noreturn]] static void exit();

private:
    friend class Scheduler;
    friend class WaitQueue;
    Thread() { ++s_live; }
    static void trampoline(void* self);

    husk_context_t m_context {};
    void* m_stack { nullptr };
    size_t m_stack_pages { 0 };
    Entry m_entry { nullptr };
    void* m_arg { nullptr };
    State m_state { State::Blocked }; // until the scheduler first makes it ready
    Process* m_process { nullptr };
    uint32_t m_tid { 0 };
    char m_name[24] {};
    bool m_preemptible { false };
    husk_user_regs* m_user_regs { nullptr };
    husk_aspace_t* m_user_space { nullptr };
    bool m_attention { false };
    uintptr_t m_clear_child_tid { 0 };
    uintptr_t m_robust_list { 0 };
    ThreadSignals m_signals;
    bool m_signal_pending { false };
    WaitQueueWaiter* m_interruptible_wait { nullptr }; // the wait a signal ends
    bool m_exit_requested { false };
    int m_exit_code { 0 };
    // CPU time: m_ran_ns up to m_running_since, when it last began to run.
    uint64_t cpu_ns() const;
    uint64_t m_ran_ns { 0 }, m_running_since { 0 }, m_user_ns { 0 }, m_program_mark { 0 };
    uint64_t m_minor_faults { 0 }, m_voluntary_switches { 0 }, m_involuntary_switches { 0 }, m_migrations { 0 };
    bool m_watch_cpu_time { false };
    unsigned m_cpu { ~0u }; // where it runs, or ran last (~0u: not yet run)
    uint64_t m_affinity { ~uint64_t(0) };

public:
    kstd::ListNode run_node;     // run queue or dead list
    kstd::ListNode process_node; // its process's program threads (kernel/proc)

private:
    static inline size_t s_live = 0;
};

} // namespace husk
