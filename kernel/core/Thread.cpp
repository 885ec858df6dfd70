#include "Thread.h"
#include "../kstd/Memory.h"
#include "Heap.h"
#include "Panic.h"
#include "Scheduler.h"

namespace husk {

namespace {
constexpr size_t kStackPages = Thread::kStackBytes / kPageSize;
uint32_t g_next_tid = 1;

void copy_name(char* dst, size_t size, const char* src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < size; ++i)
        dst[i] = src[i];
    dst[i] = 0;
}
} // namespace

uint32_t Thread::allocate_id() { return g_next_tid++; }
uint32_t Thread::ids_allocated() { return g_next_tid - 1; }

Thread* Thread::create(const char* name, Entry entry, void* arg, Process* process, uint32_t tid)
{
    Thread* t = create_stopped(name, entry, arg, process, tid);
    if (t)
        Scheduler::wake(*t);
    return t;
}

Thread* Thread::create_stopped(const char* name, Entry entry, void* arg, Process* process, uint32_t tid)
{
    auto* t = new Thread();
    if (!t)
        return nullptr;
    t->m_stack = Heap::allocate_pages(kStackPages);
    if (!t->m_stack) {
        delete t;
        return nullptr;
    }
    t->m_stack_pages = kStackPages;
    t->m_entry = entry;
    t->m_arg = arg;
    t->m_process = process;
    t->m_tid = tid ? tid : allocate_id();
    copy_name(t->m_name, sizeof t->m_name, name);
    husk_plat_context_init(&t->m_context, t->m_stack, kStackPages * kPageSize, trampoline, t);
    return t;
}

Thread* Thread::adopt_current(const char* name, Process* process)
{
    auto* t = new Thread();
    if (!t)
        return nullptr;
    t->m_state = State::Running;
    t->m_process = process;
    t->m_tid = g_next_tid++;
    copy_name(t->m_name, sizeof t->m_name, name);
    return t;
}

Thread::~Thread()
{
    --s_live;
    if (m_stack) {
        husk_plat_context_destroy(&m_context);
        Heap::free_pages(m_stack, m_stack_pages);
    }
}

void Thread::request_attention()
{
    __atomic_store_n(&m_attention, true, __ATOMIC_RELEASE);
    Scheduler::nudge(*this);
}

uint64_t Thread::cpu_ns() const { return Scheduler::cpu_ns_of(*this); }

void Thread::run_program_ended()
{
    uint64_t ns = cpu_ns() - m_program_mark;
    m_user_ns += ns;
    Scheduler::count_user_time(ns);
}

Usage Thread::usage() const
{
    Usage u;
    uint64_t total = cpu_ns();
    u.user_ns = m_user_ns < total ? m_user_ns : total;
    u.system_ns = total - u.user_ns;
    u.minor_faults = m_minor_faults;
    u.voluntary_switches = m_voluntary_switches;
    u.involuntary_switches = m_involuntary_switches;
    return u;
}

void Thread::trampoline(void* self)
{
    auto* t = static_cast<Thread*>(self);
    Scheduler::thread_started();
    t->m_entry(t->m_arg);
    exit();
}

void Thread::exit()
{
    Thread* self = Scheduler::current();
    (void)Scheduler::lock().lock(); // handed to the thread switched in
    self->m_state = State::Dead;
    (void)Scheduler::switch_to_next();
    panic("dead thread %s was resumed", self->m_name);
}

} // namespace husk
