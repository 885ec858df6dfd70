#include "Scheduler.h"
#include "../kstd/Vector.h"
#include "BigLock.h"
#include "Log.h"
#include "Panic.h"

namespace husk {

namespace {
using RunQueue = kstd::IntrusiveList<Thread, &Thread::run_node>;

// What each CPU runs. The run queue is shared (the big lock guards all of
// this, BigLock.h): a thread made ready goes to whichever CPU is free
// first, and a halted CPU is kicked to look.
struct CpuState {
    Thread* current { nullptr };
    Thread* idle { nullptr };
    uint64_t slice_start { 0 };
    Thread* preempted { nullptr }; // queued by the idle thread after it polled events
    bool halting { false };        // its idle thread waits in husk_plat_yield
    uint64_t started_ns { 0 };     // when it began to run threads
    uint64_t user_ns { 0 };        // programs' time on it
};
constexpr unsigned kMaxCpus = 16;

struct SchedulerState {
    CpuState cpus[kMaxCpus];
    unsigned cpu_count { 1 };
    size_t other_idles { 0 }; // the other CPUs' idle threads (not counted as threads)
    RunQueue ready;
    RunQueue dead;
    Scheduler::EventHandler handlers[8] {};
    size_t handler_count { 0 };
    uint64_t preemptions { 0 };
    uint64_t switches { 0 };
};

constexpr uint64_t kSliceNs = 10000000; // 10 ms

SchedulerState& state()
{
    static SchedulerState s;
    return s;
}

CpuState& here() { return state().cpus[husk_plat_cpu_id()]; }

void wake_sleeper(void* arg) { Scheduler::wake(*static_cast<Thread*>(arg)); }

// Device events reach the boot CPU only: its idle thread serves them.
bool serves_devices() { return husk_plat_cpu_id() == 0; }
} // namespace

void Scheduler::switch_to(Thread* next)
{
    auto& c = here();
    Thread* prev = c.current;
    uint64_t now = husk_plat_clock_monotonic();
    prev->m_ran_ns += now - prev->m_running_since;
    next->m_running_since = now;
    next->m_state = Thread::State::Running;
    next->m_cpu = husk_plat_cpu_id();
    c.current = next;
    c.slice_start = now;
    if (next != prev) {
        ++state().switches;
        // Kernel threads run in whatever space is active (the kernel's half
        // is in all of them); a program's thread needs its own.
        if (next->m_user_space)
            husk_plat_aspace_activate(next->m_user_space);
        husk_plat_context_switch(&prev->m_context, &next->m_context);
    }
}

void Scheduler::init(Process* first_process)
{
    auto& c = here();
    c.current = Thread::adopt_current("init", first_process);
    if (!c.current)
        panic("scheduler: no memory for the first thread");
    c.current->m_running_since = c.started_ns = husk_plat_clock_monotonic();
    // The idle thread is created not-ready: it only runs when nothing else can.
    c.idle = Thread::create("idle", idle_loop, nullptr);
    if (!c.idle)
        panic("scheduler: no memory for the idle thread");
    RunQueue::remove(*c.idle);
    c.idle->m_state = Thread::State::Ready;
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
    c.idle = Thread::adopt_current(name, nullptr);
    if (!c.idle)
        panic("scheduler: no memory for the idle thread of CPU %u", cpu);
    c.idle->m_cpu = cpu;
    ++state().other_idles;
    c.idle->m_running_since = c.started_ns = husk_plat_clock_monotonic();
    c.current = c.idle;
    idle_loop(nullptr);
}

Thread* Scheduler::current() { return here().current; }

void Scheduler::nudge(Thread& t)
{
    auto& s = state();
    if (s.cpu_count > 1 && t.m_state == Thread::State::Running && t.m_cpu != husk_plat_cpu_id())
        husk_plat_cpu_kick(t.m_cpu); // out of its program, to see what changed
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

uint64_t Scheduler::context_switches() { return state().switches; }

void Scheduler::wake(Thread& t)
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
    s.ready.append(t);
    // Placement: the first halted CPU takes it (this one, if it halts, looks itself).
    unsigned me = husk_plat_cpu_id();
    for (unsigned i = 0; i < s.cpu_count; ++i) {
        if (i != me && s.cpus[i].halting) {
            s.cpus[i].halting = false; // one kick per halt
            husk_plat_cpu_kick(i);
            break;
        }
    }
}

void Scheduler::switch_to_next()
{
    auto& s = state();
    auto& c = here();
    unsigned long irq = husk_plat_irq_disable();
    // Threads that died at earlier switches are off their stacks: freed
    // here, a loop of short-lived processes does not wait for an idle CPU.
    reap_dead();
    TimerQueue::run_expired(husk_plat_clock_monotonic());
    Thread* prev = c.current;
    Thread* next = s.ready.take_first();
    if (!next) {
        if (prev->m_state == Thread::State::Running) {
            husk_plat_irq_restore(irq);
            return; // nothing else to run: keep going
        }
        next = c.idle;
    }
    if (prev->m_state == Thread::State::Running && prev != c.idle) {
        prev->m_state = Thread::State::Ready;
        s.ready.append(*prev);
    } else if (prev->m_state == Thread::State::Dead) {
        s.dead.append(*prev);
    }
    switch_to(next);
    husk_plat_irq_restore(irq);
}

void Scheduler::yield() { switch_to_next(); }

void Scheduler::block()
{
    Thread* self = here().current;
    if (self == here().idle)
        panic("the idle thread tried to block");
    self->m_state = Thread::State::Blocked;
    ++self->m_voluntary_switches;
    switch_to_next();
}

void Scheduler::sleep_until(uint64_t deadline)
{
    Timer timer;
    timer.callback = wake_sleeper;
    timer.arg = here().current;
    while (husk_plat_clock_monotonic() < deadline) {
        TimerQueue::arm(timer, deadline);
        block();
        TimerQueue::cancel(timer);
    }
}

void Scheduler::set_preemptible(bool preemptible) { here().current->m_preemptible = preemptible; }

uint64_t Scheduler::preemptions() { return state().preemptions; }

bool Scheduler::interrupt_return(bool from_user)
{
    auto& s = state();
    if (!BigLock::held_here())
        return false; // halted, or waiting for the lock: nothing of the kernel's runs here
    auto& c = here();
    Thread* self = c.current;
    if (self == c.idle || !(from_user || self->m_preemptible))
        return false;
    uint64_t now = husk_plat_clock_monotonic();
    if (now - c.slice_start < kSliceNs)
        return from_user && self->m_attention;
    // CPU-time timers are checked on the way back to the program.
    if (from_user && self->m_watch_cpu_time)
        self->m_attention = true;
    if (!serves_devices() && s.ready.is_empty()) {
        // Another CPU with nothing else to run: a new slice, no switch.
        TimerQueue::run_expired(now);
        c.slice_start = now;
        return from_user && self->m_attention;
    }
    // Timers that expired while this thread computed may wake others, and
    // device events may be pending: only the idle thread asks the platform
    // for those, so it runs now (a thread that never blocks would otherwise
    // starve every device), then this thread queues behind whatever woke.
    TimerQueue::run_expired(now);
    ++s.preemptions;
    ++self->m_involuntary_switches;
    unsigned long irq = husk_plat_irq_disable();
    self->m_state = Thread::State::Ready;
    c.preempted = self;
    switch_to(c.idle);
    husk_plat_irq_restore(irq);
    return from_user && self->m_attention; // what happened while it waited counts too
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
    while (Thread* t = s.dead.take_first())
        delete t;
}

void Scheduler::idle_loop(void*)
{
    auto& s = state();
    for (;;) {
        auto& c = here();
        reap_dead();
        TimerQueue::run_expired(husk_plat_clock_monotonic());
        if (Thread* t = c.preempted) {
            // A slice ended: collect events without waiting (a past deadline
            // polls), let what they wake go first, then the preempted thread.
            c.preempted = nullptr;
            if (serves_devices()) {
                uint32_t events = husk_plat_yield(0);
                for (size_t i = 0; i < s.handler_count; ++i)
                    s.handlers[i](events);
            }
            s.ready.append(*t);
        }
        if (!s.ready.is_empty()) {
            switch_to_next();
            continue;
        }
        // Halt without the big lock: a wake() elsewhere kicks this CPU.
        // Timers are the boot CPU's to wait for; the others halt until kicked.
        uint64_t deadline = serves_devices() ? TimerQueue::next_deadline() : UINT64_MAX;
        c.halting = true;
        BigLock::release();
        uint32_t events = husk_plat_yield(deadline);
        BigLock::acquire();
        here().halting = false;
        if (serves_devices())
            for (size_t i = 0; i < s.handler_count; ++i)
                s.handlers[i](events);
    }
}

} // namespace husk
