#include "Process.h"
#include "PosixTimers.h"
#include "../vfs/RecordLocks.h"
#include "../core/Heap.h"
#include "../core/Panic.h"
#include "../core/Scheduler.h"
#include "../mm/AddressSpace.h"
#include "../vfs/FileSystem.h"
#include "../vfs/Vfs.h"

namespace husk {

namespace {
using ProcessList = kstd::IntrusiveList<Process, &Process::all_node>;
Process* g_init; // the first process without a parent: pid 1, which adopts orphans
Process::ExitHook g_exit_hooks[Process::kMaxExitHooks];
} // namespace

void Process::add_exit_hook(ExitHook hook)
{
    for (ExitHook& slot : g_exit_hooks) {
        if (slot == hook)
            return;
        if (!slot) {
            slot = hook;
            return;
        }
    }
    panic("Process::add_exit_hook: more than %d hooks", int(kMaxExitHooks));
}

kstd::IntrusiveList<Process, &Process::all_node>& Process::all()
{
    static kstd::IntrusiveList<Process, &Process::all_node> list;
    return list;
}

ErrorOr<Process*> Process::create(const char* name, Process* parent)
{
    auto* p = new Process();
    if (!p)
        return err(kstd::ENOMEM);
    p->m_fds = kstd::adopt_new<FdTable>();
    if (!p->m_fds) {
        delete p;
        return err(kstd::ENOMEM);
    }
    // Pids and tids come from one space: a process's first thread takes
    // its pid as its tid, as on Linux.
    p->m_pid = Thread::allocate_id();
    for (size_t i = 0; name && name[i] && i + 1 < sizeof p->m_name; ++i)
        p->m_name[i] = name[i];
    if (parent) {
        p->m_parent = parent;
        parent->m_children.append(*p);
        p->m_credentials = parent->m_credentials;
        p->m_umask = parent->m_umask;
        p->m_nice = parent->m_nice;
        p->m_personality = parent->m_personality;
        // SCHED_RESET_ON_FORK: the child starts over as SCHED_OTHER.
        if (!(parent->m_sched_policy & 0x40000000)) {
            p->m_sched_policy = parent->m_sched_policy;
            p->m_sched_priority = parent->m_sched_priority;
        } else if (p->m_nice < 0) {
            p->m_nice = 0;
        }
        p->m_cwd = parent->m_cwd;
        p->m_root = parent->m_root;
        p->m_pgid = parent->m_pgid;
        p->m_sid = parent->m_sid;
    } else {
        p->m_cwd = Vfs::root();
        p->m_root = Vfs::root();
        p->m_pgid = p->m_sid = p->m_pid; // the first process leads its group and session
        if (!g_init) {
            g_init = p;
            // A child stopped or continued: its parent's wait looks again.
            Signals::set_stop_listener([](Process& child) {
                if (child.parent())
                    child.parent()->child_waiters().wake_all();
            });
        }
    }
    all().append(*p);
    return p;
}

ErrorOr<Process*> Process::fork(Process& parent)
{
    auto fds = TRY(parent.m_fds->copy());
    Process* child = TRY(create(parent.m_name, &parent));
    child->m_fds = kstd::move(fds);
    Signals::inherit(parent, *child);
    child->m_image = parent.m_image;
    child->set_executable(parent.m_executable, kstd::String());
    if (auto path = kstd::String::from(parent.m_executable_path.view()); !path.is_error())
        child->m_executable_path = path.release_value();
    if (auto line = kstd::String::from(parent.m_command_line.view()); !line.is_error())
        child->m_command_line = line.release_value();
    return child;
}

Process::~Process()
{
    ProcessList::remove(*this);
    if (g_init == this)
        g_init = nullptr;
    if (child_node.is_linked())
        ChildList::remove(*this);
    while (Process* child = m_children.take_first())
        child->m_parent = nullptr;
    release_fds();
    set_executable(nullptr, kstd::String());
    RecordLocks::release_all(this);
    PosixTimers::release(*this);
}

void Process::reparent(Process& new_parent)
{
    if (child_node.is_linked())
        ChildList::remove(*this);
    m_parent = &new_parent;
    new_parent.m_children.append(*this);
    if (m_zombie)
        new_parent.m_child_waiters.wake_all();
}

void Process::exit(int status)
{
    if (m_exiting)
        return; // the first reason stands
    m_exiting = true;
    m_exit_status = status & 0xff;
    m_wait_status = (status & 0xff) << 8;
    // Threads in application code come back at the next interrupt, and
    // those waiting in the kernel leave their waits: all see the process
    // is exiting.
    for (Thread& t : m_signals.threads) {
        t.request_attention();
        Signals::recalc(t);
        if (t.signal_pending())
            WaitQueue::interrupt(t);
    }
    m_exit_waiters.wake_all();
}

void Process::exit_by_signal(int sig)
{
    if (m_exiting)
        return;
    exit(128 + sig);
    m_wait_status = sig; // WIFSIGNALED; no core is dumped (RLIMIT_CORE is 0)
}

void Process::remove_program_thread(Thread& t)
{
    m_ended_threads_usage += t.usage();
    if (!m_signals.threads.is_empty())
        return;
    exit(t.exit_code()); // the last thread's status is the process's, unless one was decided
    become_zombie();
}

Usage Process::usage()
{
    Usage u = m_ended_threads_usage;
    for (Thread& t : m_signals.threads)
        u += t.usage();
    if (m_address_space)
        note_resident(m_address_space->peak_resident_pages());
    u.max_resident_kib = m_peak_resident_kib;
    return u;
}

void Process::note_resident(size_t pages)
{
    uint64_t kib = uint64_t(pages) * (kPageSize / 1024);
    if (kib > m_peak_resident_kib)
        m_peak_resident_kib = kib;
}

void Process::cpu_timers_changed()
{
    bool armed = cpu_timers_armed();
    for (Thread& t : threads())
        t.set_watch_cpu_time(armed);
}

void Process::release_fds()
{
    // A table shared with another process (CLONE_FILES) stays open for it.
    if (m_fds && m_fds->ref_count() == 1)
        m_fds->close_all();
    if (m_fds && m_fds->ref_count() > 1)
        m_fds = kstd::adopt_new<FdTable>(); // nullptr when out of memory: the zombie then has none
}

void Process::release_vfork_parent()
{
    if (!m_vfork)
        return;
    m_vfork->done = true;
    m_vfork->waiters.wake_all();
    m_vfork = nullptr;
}

void Process::become_zombie()
{
    // What exit(2) releases: descriptors, locks, memory, the directories,
    // and what other subsystems keep for the process.
    release_fds();
    RecordLocks::release_all(this);
    PosixTimers::release(*this);
    if (m_address_space)
        note_resident(m_address_space->peak_resident_pages());
    for (ExitHook hook : g_exit_hooks)
        if (hook)
            hook(*this);
    m_address_space = nullptr;
    m_image = nullptr;
    set_executable(nullptr, kstd::String());
    m_command_line = kstd::String();
    if (this != g_init) {
        m_cwd = nullptr; // pid 1's stay: the boot code goes on in it to unmount
        m_root = nullptr;
    }
    release_vfork_parent();
    m_zombie = true;

    // Orphans go to the nearest subreaper above, else pid 1, which reaps
    // them; when pid 1 itself ends, the machine stops, and every other
    // process is killed.
    Process* init = this == g_init ? nullptr : g_init;
    for (Process* p = m_parent; p && init; p = p->m_parent) {
        if (p->m_subreaper && !p->m_zombie) {
            init = p;
            break;
        }
    }
    while (Process* child = m_children.take_first()) {
        child->m_parent = nullptr;
        if (init) {
            child->reparent(*init);
        } else {
            child->exit_by_signal(linux::SIGKILL);
            if (child->m_zombie)
                delete child;
        }
    }
    m_exit_waiters.wake_all();
    if (!m_parent) {
        if (this != g_init)
            delete this; // an orphan of a pid 1 that ended: nobody reaps it
        return; // pid 1: the boot code reads its status
    }
    Process* parent = m_parent;
    parent->m_child_waiters.wake_all();
    if (Signals::child_ended(*parent, *this) == ChildDisposal::Reap)
        delete this; // the parent does not wait for children
}

void Process::set_name(kstd::StringView name)
{
    long slash = -1;
    for (size_t i = 0; i < name.length(); ++i)
        if (name[i] == '/')
            slash = long(i);
    name = name.substring(size_t(slash + 1));
    size_t n = name.length() < sizeof m_name - 1 ? name.length() : sizeof m_name - 1;
    memcpy(m_name, name.data(), n);
    m_name[n] = 0;
}

void Process::set_executable(kstd::RefPtr<Vnode> v, kstd::String path)
{
    if (m_executable && m_executable_denies_write)
        m_executable->allow_write_access();
    m_executable = kstd::move(v);
    m_executable_denies_write = m_executable && !m_executable->deny_write_access().is_error();
    m_executable_path = kstd::move(path);
}

void Process::set_address_space(kstd::RefPtr<AddressSpace> as)
{
    if (m_address_space) // exec: ru_maxrss is the process's, across programs
        note_resident(m_address_space->peak_resident_pages());
    m_address_space = kstd::move(as);
}

Process* Process::find(uint32_t pid)
{
    for (Process& p : all())
        if (p.m_pid == pid)
            return &p;
    return nullptr;
}

bool Process::group_exists(uint32_t pgid)
{
    for (Process& p : all())
        if (p.m_pgid == pgid && !p.m_zombie)
            return true;
    return false;
}

Process* Process::init() { return g_init; }

Process& Process::current()
{
    Thread* t = Scheduler::current();
    if (!t || !t->process())
        panic("no current process (thread %s)", t ? t->name() : "?");
    return *t->process();
}

AddressSpace* Process::current_address_space()
{
    Thread* t = Scheduler::current();
    return t && t->process() ? t->process()->address_space() : nullptr;
}

bool Process::any_inside(const FileSystem& fs)
{
    for (auto& p : all()) {
        if ((p.m_cwd && &p.m_cwd->fs() == &fs) || (p.m_root && &p.m_root->fs() == &fs))
            return true;
    }
    return false;
}

size_t Process::count() { return all().size(); }

} // namespace husk
