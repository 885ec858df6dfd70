#include "Scheduler.h"
#include "../kstd/Vector.h"
#include "Log.h"
#include "Panic.h"

namespace husk {

namespace {
using RunQueue = kstd::IntrusiveList<Thread, &Thread::run_node>;

struct SchedulerState {
    Thread* current { nullptr };
    Thread* idle { nullptr };
    RunQueue ready;
    RunQueue dead;
    Scheduler::EventHandler handlers[8] {};
    size_t handler_count { 0 };
    uint64_t slice_start { 0 };
    uint64_t preemptions { 0 };
    Thread* preempted { nullptr }; // queued by the idle thread after it polled events
};

constexpr uint64_t kSliceNs = 10000000; // 10 ms

SchedulerState& state()
{
    static SchedulerState s;
    return s;
}

void wake_sleeper(void* arg) { Scheduler::wake(*static_cast<Thread*>(arg)); }
} // namespace

void Scheduler::switch_to(Thread* next)
{
    auto& s = state();
    Thread* prev = s.current;
    uint64_t now = husk_plat_clock_monotonic();
    prev->m_ran_ns += now - prev->m_running_since;
    next->m_running_since = now;
    next->m_state = Thread::State::Running;
    s.current = next;
    s.slice_start = now;
    if (next != prev) {
        // Kernel threads run in whatever space is active (the kernel's half
        // is in all of them); a program's thread needs its own.
        if (next->m_user_space)
            husk_plat_aspace_activate(next->m_user_space);
        husk_plat_context_switch(&prev->m_context, &next->m_context);
    }
}

void Scheduler::init(Process* first_process)
{
    auto& s = state();
    s.current = Thread::adopt_current("init", first_process);
    if (!s.current)
        panic("scheduler: no memory for the first thread");
    s.current->m_running_since = husk_plat_clock_monotonic();
    // The idle thread is created not-ready: it only runs when nothing else can.
    s.idle = Thread::create("idle", idle_loop, nullptr);
    if (!s.idle)
        panic("scheduler: no memory for the idle thread");
    RunQueue::remove(*s.idle);
    s.idle->m_state = Thread::State::Ready;
}

Thread* Scheduler::current() { return state().current; }

size_t Scheduler::thread_count() { return Thread::s_live; }

void Scheduler::wake(Thread& t)
{
    auto& s = state();
    if (&t == s.idle || t.m_state == Thread::State::Ready || t.m_state == Thread::State::Running)
        return;
    if (t.m_state == Thread::State::Dead)
        return;
    t.m_state = Thread::State::Ready;
    s.ready.append(t);
}

void Scheduler::switch_to_next()
{
    auto& s = state();
    unsigned long irq = husk_plat_irq_disable();
    // Threads that died at earlier switches are off their stacks: freed
    // here, a loop of short-lived processes does not wait for an idle CPU.
    reap_dead();
    TimerQueue::run_expired(husk_plat_clock_monotonic());
    Thread* prev = s.current;
    Thread* next = s.ready.take_first();
    if (!next) {
        if (prev->m_state == Thread::State::Running) {
            husk_plat_irq_restore(irq);
            return; // nothing else to run: keep going
        }
        next = s.idle;
    }
    if (prev->m_state == Thread::State::Running && prev != s.idle) {
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
    Thread* self = state().current;
    if (self == state().idle)
        panic("the idle thread tried to block");
    self->m_state = Thread::State::Blocked;
    ++self->m_voluntary_switches;
    switch_to_next();
}

void Scheduler::sleep_until(uint64_t deadline)
{
    Timer timer;
    timer.callback = wake_sleeper;
    timer.arg = state().current;
    while (husk_plat_clock_monotonic() < deadline) {
        TimerQueue::arm(timer, deadline);
        block();
        TimerQueue::cancel(timer);
    }
}

void Scheduler::set_preemptible(bool preemptible) { state().current->m_preemptible = preemptible; }

uint64_t Scheduler::preemptions() { return state().preemptions; }

bool Scheduler::interrupt_return(bool from_user)
{
    auto& s = state();
    Thread* self = s.current;
    if (self == s.idle || !(from_user || self->m_preemptible))
        return false;
    uint64_t now = husk_plat_clock_monotonic();
    if (now - s.slice_start < kSliceNs)
        return from_user && self->m_attention;
    // CPU-time timers are checked on the way back to the program.
    if (from_user && self->m_watch_cpu_time)
        self->m_attention = true;
    // Timers that expired while this thread computed may wake others, and
    // device events may be pending: only the idle thread asks the platform
    // for those, so it runs now (a thread that never blocks would otherwise
    // starve every device), then this thread queues behind whatever woke.
    TimerQueue::run_expired(now);
    ++s.preemptions;
    ++self->m_involuntary_switches;
    unsigned long irq = husk_plat_irq_disable();
    self->m_state = Thread::State::Ready;
    s.preempted = self;
    switch_to(s.idle);
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
        reap_dead();
        TimerQueue::run_expired(husk_plat_clock_monotonic());
        if (Thread* t = s.preempted) {
            // A slice ended: collect events without waiting (a past deadline
            // polls), let what they wake go first, then the preempted thread.
            s.preempted = nullptr;
            uint32_t events = husk_plat_yield(0);
            for (size_t i = 0; i < s.handler_count; ++i)
                s.handlers[i](events);
            s.ready.append(*t);
        }
        if (!s.ready.is_empty()) {
            switch_to_next();
            continue;
        }
        uint32_t events = husk_plat_yield(TimerQueue::next_deadline());
        for (size_t i = 0; i < s.handler_count; ++i)
            s.handlers[i](events);
    }
}

} // namespace husk
