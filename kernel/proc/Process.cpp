#include "Process.h"
#include "../vfs/RecordLocks.h"
#include "../core/Panic.h"
#include "../core/Scheduler.h"
#include "../mm/AddressSpace.h"
#include "../vfs/FileSystem.h"
#include "../vfs/Vfs.h"

namespace husk {

namespace {
using ProcessList = kstd::IntrusiveList<Process, &Process::all_node>;
ProcessList& all()
{
    static ProcessList list;
    return list;
}
uint32_t g_next_pid = 1;
} // namespace

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
    p->m_pid = g_next_pid++;
    p->m_ppid = parent ? parent->m_pid : 0;
    for (size_t i = 0; name && name[i] && i + 1 < sizeof p->m_name; ++i)
        p->m_name[i] = name[i];
    if (parent) {
        p->m_credentials = parent->m_credentials;
        p->m_umask = parent->m_umask;
        p->m_cwd = parent->m_cwd;
        p->m_root = parent->m_root;
    } else {
        p->m_cwd = Vfs::root();
        p->m_root = Vfs::root();
    }
    all().append(*p);
    return p;
}

Process::~Process()
{
    ProcessList::remove(*this);
    if (m_fds)
        m_fds->close_all();
    RecordLocks::release_all(this);
}

void Process::exit(int status)
{
    if (m_exiting)
        return; // the first reason stands
    m_exiting = true;
    m_exit_status = status;
    m_exit_waiters.wake_all();
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

void Process::set_address_space(kstd::RefPtr<AddressSpace> as) { m_address_space = kstd::move(as); }

Process* Process::find(uint32_t pid)
{
    for (Process& p : all())
        if (p.m_pid == pid)
            return &p;
    return nullptr;
}

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
