#include "Scheduler.h"
#include "../kstd/Vector.h"
#include "BigLock.h"
#include "CpuPlacement.h"
#include "Log.h"
#include "Panic.h"
#include "WaitQueue.h"

namespace husk {

namespace {
using RunQueue = kstd::IntrusiveList<Thread, &Thread::run_node>;

// What each CPU runs, and its own run queue (the scheduler lock guards all
// of this; per-CPU counters are only written by their CPU). Where a thread made ready goes, which queue an idle
// CPU steals from and when a slice end evens out two CPUs: CpuPlacement.
struct CpuState {
    Thread* current { nullptr };
    Thread* idle { nullptr };
    uint64_t slice_start { 0 };
    Thread* preempted { nullptr }; // queued by the idle thread after it polled events
    bool halting { false };        // its idle thread waits in husk_plat_yield
    uint64_t started_ns { 0 };     // when it began to run threads
    uint64_t user_ns { 0 };        // programs' time on it
    uint64_t halt_deadline { 0 };  // until when, if nothing else wakes it
    RunQueue ready;                // threads waiting for this CPU
    // Counters for sched_stats=1.
    uint64_t switches { 0 }, migrations { 0 }, slice_ends { 0 }, interrupts { 0 }, from_user { 0 }, halts { 0 }, halt_ns { 0 }, kicks { 0 };
};
constexpr unsigned kMaxCpus = 16;

struct SchedulerState {
    CpuState cpus[kMaxCpus];
    unsigned cpu_count { 1 };
    size_t other_idles { 0 }; // the other CPUs' idle threads (not counted as threads)
    RunQueue dead;            // shared: whichever CPU switches next frees them
    Scheduler::EventHandler handlers[8] {};
    size_t handler_count { 0 };
    uint64_t preemptions { 0 };
};

constexpr uint64_t kSliceNs = 10000000; // 10 ms

SchedulerState& state()
{
    static SchedulerState s;
    return s;
}

CpuState& here() { return state().cpus[husk_plat_cpu_id()]; }

// Device events reach the boot CPU only: its idle thread serves them.
bool serves_devices() { return husk_plat_cpu_id() == 0; }

// What CpuPlacement decides on: each CPU's queue length and whether it
// runs (or is about to resume, `preempted`) a thread of its own.
unsigned snapshot(CpuLoad* loads)
{
    auto& s = state();
    for (unsigned i = 0; i < s.cpu_count; ++i) {
        auto& c = s.cpus[i];
        loads[i].queued = c.ready.size();
        loads[i].busy = (c.current && c.current != c.idle) || c.preempted;
    }
    return s.cpu_count;
}

// The first thread of `cpu`'s queue that may run on `runner` (its
// affinity), for that CPU to run.
Thread* first_for(unsigned cpu, unsigned runner)
{
    for (Thread& t : state().cpus[cpu].ready)
        if (t.may_run_on(runner))
            return &t;
    return nullptr;
}

Thread* take_from(unsigned cpu, unsigned runner)
{
    Thread* t = first_for(cpu, runner);
    if (t)
        RunQueue::remove(*t);
    return t;
}

// The CPU a thread goes to when placement chose `chosen`: that one if the
// thread may run there, else the least loaded CPU it may run on.
unsigned allowed_cpu(const Thread& t, unsigned chosen)
{
    if (t.may_run_on(chosen))
        return chosen;
    CpuLoad loads[kMaxCpus];
    unsigned count = snapshot(loads), best = CpuPlacement::kNoCpu;
    for (unsigned i = 0; i < count; ++i)
        if (t.may_run_on(i) && (best == CpuPlacement::kNoCpu || loads[i].load() < loads[best].load()))
            best = i;
    return best == CpuPlacement::kNoCpu ? chosen : best;
}

// Whether the thread waits in this queue.
bool is_queued_in(RunQueue& queue, const Thread& t)
{
    for (Thread& q : queue)
        if (&q == &t)
            return true;
    return false;
}

// Queues a ready thread on `cpu`, kicking it out of a halt.
void enqueue(Thread& t, unsigned cpu)
{
    auto& s = state();
    unsigned me = husk_plat_cpu_id();
    s.cpus[cpu].ready.append(t);
    if (cpu != me && s.cpus[cpu].halting) {
        s.cpus[cpu].halting = false; // one kick per halt
        ++s.cpus[me].kicks;
        husk_plat_cpu_kick(cpu);
    }
}

// A thread this CPU stops running for now goes back to its queue, or, if
// its affinity no longer allows this CPU, to one it may run on.
void requeue(Thread& t) { enqueue(t, allowed_cpu(t, husk_plat_cpu_id())); }

// What this CPU runs next: its own queue first, else a thread stolen from
// the busy CPU with the most waiting.
Thread* take_next()
{
    unsigned me = husk_plat_cpu_id();
    if (Thread* t = take_from(me, me))
        return t;
    if (state().cpu_count == 1)
        return nullptr;
    CpuLoad loads[kMaxCpus];
    unsigned victim = CpuPlacement::steal_from(loads, snapshot(loads), me);
    return victim == CpuPlacement::kNoCpu ? nullptr : take_from(victim, me);
}

bool has_work()
{
    auto& s = state();
    unsigned me = husk_plat_cpu_id();
    if (first_for(me, me))
        return true;
    if (s.cpu_count == 1)
        return false;
    CpuLoad loads[kMaxCpus];
    unsigned victim = CpuPlacement::steal_from(loads, snapshot(loads), me);
    return victim != CpuPlacement::kNoCpu && first_for(victim, me); // its threads may all be bound to it
}
} // namespace

bool Scheduler::switch_to(Thread* next)
{
    auto& c = here();
    Thread* prev = c.current;
    uint64_t now = husk_plat_clock_monotonic();
    prev->m_ran_ns += now - prev->m_running_since;
    next->m_running_since = now;
    next->m_state = Thread::State::Running;
    if (next != prev) {
        ++c.switches;
        if (next->m_cpu != husk_plat_cpu_id() && next->m_cpu != CpuPlacement::kNoCpu) {
            ++c.migrations;
            ++next->m_migrations;
        }
    }
    next->m_cpu = husk_plat_cpu_id();
    c.current = next;
    c.slice_start = now;
    if (next == prev)
        return false;
    // The big lock is the thread's: it goes with the switch, and this
    // thread takes it again when it is switched back in (after the
    // scheduler lock, never while holding it).
    bool big = BigLock::held_here();
    if (big) {
        husk_plat_cpu_refill(); // the platform's reserves, from the kernel's allocator
        BigLock::release();
    }
    // Kernel threads run in whatever space is active (the kernel's half
    // is in all of them); a program's thread needs its own.
    if (next->m_user_space)
        husk_plat_aspace_activate(next->m_user_space);
    husk_plat_context_switch(&prev->m_context, &next->m_context);
    return big;
}

void Scheduler::resume(unsigned long irq, bool retake_big_lock)
{
    s_lock.unlock(irq);
    if (retake_big_lock)
        BigLock::acquire();
}

void Scheduler::thread_started()
{
    // The platform started the thread with interrupts on: this is the
    // state the scheduler lock hands back.
    s_lock.unlock(husk_plat_irq_disable());
    BigLock::acquire();
}

void Scheduler::init(Process* first_process)
{
    auto& c = here();
    c.current = Thread::adopt_current("init", first_process);
    if (!c.current)
        panic("scheduler: no memory for the first thread");
    c.current->m_cpu = husk_plat_cpu_id();
    c.current->m_running_since = c.started_ns = husk_plat_clock_monotonic();
    // The idle thread is created not-ready: it only runs when nothing else can.
    c.idle = Thread::create_stopped("idle", idle_loop, nullptr);
    if (!c.idle)
        panic("scheduler: no memory for the idle thread");
    c.idle->m_state = Thread::State::Ready;
    c.idle->m_cpu = husk_plat_cpu_id();
}

void Scheduler::start_other_cpus()
{
    unsigned n = husk_plat_cpu_count();
    if (n <= 1)
        return;
    if (n > kMaxCpus)
        n = kMaxCpus;
    state().cpu_count = n;
    BigLock::enable(); // held by this CPU from here on
    husk_plat_cpu_start(cpu_main);
}

unsigned Scheduler::cpu_count() { return state().cpu_count; }

// Each other CPU: its entry context becomes its idle thread.
void Scheduler::cpu_main(unsigned cpu)
{
    if (cpu >= kMaxCpus)
        return;
    BigLock::acquire();
    auto& c = state().cpus[cpu];
    char name[8] = { 'i', 'd', 'l', 'e', char('0' + cpu / 10), char('0' + cpu % 10), 0 };
    Thread* idle = Thread::adopt_current(name, nullptr);
    if (!idle)
        panic("scheduler: no memory for the idle thread of CPU %u", cpu);
    {
        SpinGuard guard(s_lock);
        c.idle = idle;
        c.idle->m_cpu = cpu;
        ++state().other_idles;
        c.idle->m_running_since = c.started_ns = husk_plat_clock_monotonic();
        c.current = c.idle;
    }
    idle_loop(nullptr);
}

Thread* Scheduler::current() { return here().current; }

void Scheduler::nudge(Thread& t)
{
    auto& s = state();
    if (s.cpu_count == 1)
        return;
    SpinGuard guard(s_lock);
    if (t.m_state == Thread::State::Running && t.m_cpu != husk_plat_cpu_id())
        husk_plat_cpu_kick(t.m_cpu); // out of its program, to see what changed
}

uint64_t Scheduler::cpu_ns_of(const Thread& t)
{
    bool mine = &t == current(); // running here, whatever its state says on its way out
    auto running_now = [&] {
        uint64_t n = t.m_ran_ns;
        if (mine || t.m_state == Thread::State::Running)
            n += husk_plat_clock_monotonic() - t.m_running_since;
        return n;
    };
    // Its fields change only at its switches: this CPU's thread, and one
    // CPU, need no lock.
    if (mine || state().cpu_count == 1 || s_lock.held_here())
        return running_now();
    SpinGuard guard(s_lock); // its switch sets both fields and the state
    return running_now();
}

size_t Scheduler::thread_count() { return Thread::s_live - state().other_idles; }

Scheduler::CpuTimes Scheduler::cpu_times(unsigned cpu)
{
    auto& s = state();
    if (cpu >= s.cpu_count)
        return {};
    auto& c = s.cpus[cpu];
    uint64_t now = husk_plat_clock_monotonic();
    uint64_t idle = c.idle ? c.idle->m_ran_ns : 0;
    if (c.idle && c.current == c.idle)
        idle += now - c.idle->m_running_since;
    return { now - c.started_ns, idle, c.user_ns };
}

void Scheduler::count_user_time(uint64_t ns) { here().user_ns += ns; }

uint64_t Scheduler::context_switches()
{
    uint64_t n = 0;
    for (unsigned i = 0; i < state().cpu_count; ++i)
        n += state().cpus[i].switches;
    return n;
}

void Scheduler::wake(Thread& t)
{
    SpinGuard guard(s_lock);
    wake_locked(t);
}

void Scheduler::wake_locked(Thread& t)
{
    auto& s = state();
    if (t.m_state == Thread::State::Ready || t.m_state == Thread::State::Running)
        return;
    if (t.m_state == Thread::State::Dead)
        return;
    for (unsigned i = 0; i < s.cpu_count; ++i)
        if (&t == s.cpus[i].idle)
            return;
    t.m_state = Thread::State::Ready;
    unsigned me = husk_plat_cpu_id();
    // Woken on its way out (a timer that expired as it blocked): it stays,
    // and this CPU takes it back at once.
    unsigned cpu = me;
    if (&t != s.cpus[me].current) {
        CpuLoad loads[kMaxCpus];
        cpu = CpuPlacement::for_ready(loads, snapshot(loads), t.m_cpu, me);
    }
    enqueue(t, allowed_cpu(t, cpu));
}

uint64_t Scheduler::online_mask()
{
    unsigned n = state().cpu_count;
    return n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1;
}

void Scheduler::set_affinity(Thread& t, uint64_t mask)
{
    unsigned long irq = s_lock.lock();
    t.m_affinity = mask;
    unsigned me = husk_plat_cpu_id();
    if (t.m_state == Thread::State::Ready && t.run_node.is_linked()) {
        // Waiting in a queue: it moves if that CPU is no longer allowed
        // (a slice end's preempted thread is requeued by the idle thread).
        auto& s = state();
        for (unsigned i = 0; i < s.cpu_count; ++i)
            if (is_queued_in(s.cpus[i].ready, t)) {
                if (!t.may_run_on(i)) {
                    RunQueue::remove(t);
                    enqueue(t, allowed_cpu(t, me));
                }
                break;
            }
    } else if (t.m_state == Thread::State::Running && !t.may_run_on(t.m_cpu)) {
        if (&t == here().current) {
            s_lock.unlock(irq);
            yield(); // switch_to_next sends it where it may run
            return;
        }
        husk_plat_cpu_kick(t.m_cpu); // out of its program: interrupt_return moves it
    }
    s_lock.unlock(irq);
}

void Scheduler::earliest_deadline(uint64_t deadline)
{
    auto& s = state();
    auto& boot = s.cpus[0];
    if (s.cpu_count > 1 && husk_plat_cpu_id() != 0 && boot.halting && deadline < boot.halt_deadline) {
        boot.halting = false; // one kick per halt
        husk_plat_cpu_kick(0);
    }
}

bool Scheduler::switch_to_next()
{
    auto& s = state();
    auto& c = here();
    Thread* prev = c.current;
    // A thread that yields lets this CPU's queue go first; one that stops
    // running (and the idle thread) leaves the CPU to its queue, else to a
    // thread stolen from a busy CPU.
    bool yields = prev->m_state == Thread::State::Running && prev != c.idle;
    // A thread whose affinity no longer allows this CPU leaves it.
    bool evicted = yields && !prev->may_run_on(husk_plat_cpu_id());
    Thread* next = yields && !evicted ? take_from(husk_plat_cpu_id(), husk_plat_cpu_id()) : take_next();
    if (!next) {
        if (prev->m_state == Thread::State::Running && !evicted)
            return false; // nothing else to run: keep going
        next = c.idle;
    }
    if (yields) {
        prev->m_state = Thread::State::Ready;
        requeue(*prev);
    } else if (prev->m_state == Thread::State::Dead) {
        if (s_log_threads) {
            uint64_t ran = prev->m_ran_ns + (husk_plat_clock_monotonic() - prev->m_running_since);
            klog(LogLevel::Notice, "sched: thread %u (%s) ends on cpu%u: ran_ms %lu user_ms %lu switches %lu+%lu migrations %lu",
                 prev->m_tid, prev->m_name, husk_plat_cpu_id(), (unsigned long)(ran / 1000000),
                 (unsigned long)(prev->m_user_ns / 1000000), (unsigned long)prev->m_voluntary_switches,
                 (unsigned long)prev->m_involuntary_switches, (unsigned long)prev->m_migrations);
        }
        s.dead.append(*prev);
    }
    return switch_to(next);
}

void Scheduler::housekeeping()
{
    if (!BigLock::held_here())
        return;
    // Threads that died at earlier switches are off their stacks: freed
    // here, a loop of short-lived processes does not wait for an idle CPU.
    reap_dead();
    TimerQueue::run_expired(husk_plat_clock_monotonic());
}

void Scheduler::yield()
{
    housekeeping();
    unsigned long irq = s_lock.lock();
    bool retake = switch_to_next();
    resume(irq, retake);
}

bool Scheduler::block_locked()
{
    Thread* self = here().current;
    if (self == here().idle)
        panic("the idle thread tried to block");
    self->m_state = Thread::State::Blocked;
    ++self->m_voluntary_switches;
    return switch_to_next();
}

void Scheduler::sleep_until(uint64_t deadline)
{
    WaitQueue nobody_wakes;
    while (husk_plat_clock_monotonic() < deadline)
        (void)nobody_wakes.wait(deadline);
}

void Scheduler::set_preemptible(bool preemptible)
{
    Thread* self = here().current;
    // Released before the thread may be preempted, taken back after it
    // no longer may: a preemption in interrupt context never switches
    // away a thread that holds the big lock.
    if (preemptible) {
        BigLock::release();
        __atomic_store_n(&self->m_preemptible, true, __ATOMIC_SEQ_CST);
    } else {
        __atomic_store_n(&self->m_preemptible, false, __ATOMIC_SEQ_CST);
        BigLock::acquire();
    }
}

uint64_t Scheduler::preemptions() { return state().preemptions; }

bool Scheduler::slice_over() { return husk_plat_clock_monotonic() - here().slice_start >= kSliceNs; }

bool Scheduler::interrupt_return(bool from_user)
{
    auto& s = state();
    // Interrupts are off: this CPU does not hold the scheduler lock.
    auto& c = here();
    ++c.interrupts;
    if (from_user)
        ++c.from_user;
    Thread* self = c.current;
    // (No current thread: another CPU still starting, its tick already armed.)
    // Kernel code that is not preemptible (waiting for the big lock, in an
    // unlocked system call, a thread's first instructions) goes on.
    if (!self || self == c.idle || !(from_user || self->m_preemptible))
        return false;
    uint64_t now = husk_plat_clock_monotonic();
    // With more than one CPU, threads that switch among themselves through
    // unlocked system calls (futex) reach no other point that runs timers:
    // every tick that comes back to the program loop runs them.
    if (BigLock::enabled() && BigLock::held_here())
        TimerQueue::run_expired(now);
    // A thread whose affinity no longer allows this CPU (set_affinity
    // nudged it) leaves now, whatever is left of its slice.
    bool evicted = !self->may_run_on(husk_plat_cpu_id());
    if (now - c.slice_start < kSliceNs && !evicted)
        return from_user && self->m_attention;
    // CPU-time timers are checked on the way back to the program.
    if (from_user && self->m_watch_cpu_time)
        self->m_attention = true;
    // Timers that expired while this thread computed may wake others
    // (their callbacks need the big lock: a program thread's loop holds it).
    if (BigLock::held_here())
        TimerQueue::run_expired(now);
    unsigned long irq = s_lock.lock();
    // Load balancing: a CPU with two threads more than this one gives it one.
    if (s.cpu_count > 1) {
        CpuLoad loads[kMaxCpus];
        unsigned me = husk_plat_cpu_id();
        unsigned count = snapshot(loads);
        unsigned from = CpuPlacement::balance_from(loads, count, me);
        // Preempted kernel code: a compute loop, which this CPU keeps
        // running while its slices last; at each such slice end it takes
        // one thread waiting elsewhere.
        if (from == CpuPlacement::kNoCpu && !from_user)
            from = CpuPlacement::longest_queue(loads, count, me);
        if (from != CpuPlacement::kNoCpu)
            if (Thread* t = take_from(from, me))
                c.ready.append(*t);
    }
    if (!serves_devices() && c.ready.is_empty() && !evicted) {
        // Another CPU with nothing else to run: a new slice, no switch.
        c.slice_start = now;
        s_lock.unlock(irq);
        return from_user && self->m_attention;
    }
    ++s.preemptions;
    ++c.slice_ends;
    ++self->m_involuntary_switches;
    self->m_state = Thread::State::Ready;
    bool retake;
    if (serves_devices()) {
        // Device events may be pending: only the idle thread asks the
        // platform for those, so it runs now (a thread that never blocks
        // would otherwise starve every device), then this thread queues
        // behind whatever woke (requeue: where its affinity allows).
        c.preempted = self;
        retake = switch_to(c.idle);
    } else {
        requeue(*self);
        Thread* next = take_from(husk_plat_cpu_id(), husk_plat_cpu_id());
        retake = switch_to(next ? next : c.idle);
    }
    resume(irq, retake);
    return from_user && self->m_attention; // what happened while it waited counts too
}

void Scheduler::log_stats()
{
    auto& s = state();
    for (unsigned i = 0; i < s.cpu_count; ++i) {
        auto& c = s.cpus[i];
        BigLock::CpuTimes t = BigLock::times(i);
        klog(LogLevel::Notice,
             "sched: cpu%u interrupts %lu (user %lu) switches %lu migrations %lu slice_ends %lu kicks %lu halts %lu halt_ms %lu "
             "lock: held_ms %lu spin_ms %lu outside_ms %lu acquisitions %lu contended %lu",
             i, (unsigned long)c.interrupts, (unsigned long)c.from_user, (unsigned long)c.switches, (unsigned long)c.migrations, (unsigned long)c.slice_ends,
             (unsigned long)c.kicks, (unsigned long)c.halts, (unsigned long)(c.halt_ns / 1000000),
             (unsigned long)(t.held_ns / 1000000), (unsigned long)(t.spin_ns / 1000000),
             (unsigned long)(t.outside_ns / 1000000), (unsigned long)t.acquisitions, (unsigned long)t.contended);
    }
}

void Scheduler::add_event_handler(EventHandler handler)
{
    auto& s = state();
    if (s.handler_count == sizeof s.handlers / sizeof s.handlers[0])
        panic("scheduler: too many event handlers");
    s.handlers[s.handler_count++] = handler;
}

void Scheduler::reap_dead()
{
    auto& s = state();
    for (;;) {
        Thread* t;
        {
            SpinGuard guard(s_lock);
            t = s.dead.take_first();
        }
        if (!t)
            return;
        delete t; // the heap is the big lock's
    }
}

// Whether the idle thread has work that needs the big lock: threads to
// free, timers due (always, with one CPU: the lock is not in use).
bool Scheduler::housekeeping_due()
{
    if (!BigLock::enabled())
        return true;
    SpinGuard guard(s_lock);
    return !state().dead.is_empty() || TimerQueue::next_expiry() <= husk_plat_clock_monotonic();
}

// The idle thread holds the big lock only for what needs it (freeing dead
// threads, timers, the boot CPU's device events): a CPU that goes idle
// and wakes again as futex waits come and go does not touch it.
void Scheduler::idle_loop(void*)
{
    auto& s = state();
    BigLock::release(); // taken for it when it started
    for (;;) {
        if (housekeeping_due()) {
            BigLock::acquire();
            housekeeping();
            BigLock::release();
        }
        unsigned long irq = s_lock.lock();
        auto& c = here();
        if (Thread* t = c.preempted) {
            // A slice ended: collect events without waiting (a past deadline
            // polls), let what they wake go first, then the preempted thread.
            c.preempted = nullptr;
            if (serves_devices()) {
                s_lock.unlock(irq);
                BigLock::acquire();
                uint32_t events = husk_plat_yield(0);
                for (size_t i = 0; i < s.handler_count; ++i)
                    s.handlers[i](events);
                BigLock::release();
                irq = s_lock.lock();
            }
            requeue(*t);
        }
        if (has_work()) {
            // The idle thread does not hold the big lock when it switches
            // (true only for a switch before the lock came into use).
            (void)switch_to_next();
            resume(irq, false);
            continue;
        }
        // Halt: a wake() elsewhere kicks this CPU (it sees `halting`, set
        // under the scheduler lock). Timers are the boot CPU's to wait
        // for; the others halt until kicked.
        uint64_t deadline = serves_devices() ? TimerQueue::next_deadline() : UINT64_MAX;
        c.halting = true;
        c.halt_deadline = deadline;
        ++c.halts;
        s_lock.unlock(irq);
        uint64_t halt_start = husk_plat_clock_monotonic();
        uint32_t events = husk_plat_yield(deadline);
        {
            SpinGuard guard(s_lock);
            here().halting = false;
        }
        here().halt_ns += husk_plat_clock_monotonic() - halt_start;
        if (serves_devices()) {
            BigLock::acquire();
            for (size_t i = 0; i < s.handler_count; ++i)
                s.handlers[i](events);
            BigLock::release();
        }
    }
}

} // namespace husk
