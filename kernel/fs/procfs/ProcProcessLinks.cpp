#include "ProcProcessLinks.h"
#include "../../core/Scheduler.h"
#include "../../kstd/Format.h"
#include "../../proc/Process.h"
#include "../../vfs/Vfs.h"

namespace husk::proc_links {

using namespace kstd::errno_values;
using kstd::ErrorOr;

namespace {
Process* reader()
{
    Thread* t = Scheduler::current();
    return t ? t->process() : nullptr;
}

// A live process (a zombie's links are gone, as on Linux).
ErrorOr<Process*> live(uint32_t pid)
{
    Process* p = Process::find(pid);
    if (!p || p->is_zombie())
        return err(ENOENT);
    return p;
}

// Paths as the reader sees them from its root.
PathContext context_for(Process& target)
{
    Process* r = reader();
    return r && r->root() ? r->path_context() : target.path_context();
}

ErrorOr<size_t> text(char* buf, size_t size, size_t length)
{
    if (length >= size)
        return err(ENAMETOOLONG);
    return length;
}

ErrorOr<size_t> directory(Process& target, Vnode* dir, char* buf, size_t size)
{
    if (!dir)
        return err(ENOENT);
    return Vfs::path_of(context_for(target), *dir, buf, size);
}

// A non-directory by the name it was opened with.
ErrorOr<size_t> opened_path(Process& target, File& file, char* buf, size_t size)
{
    size_t n = TRY(Vfs::path_of(context_for(target), *file.opened_in(), buf, size));
    Vnode* v = file.vnode();
    kstd::StringView name = file.opened_name();
    n += kstd::format(buf + n, size - n, "%s%.*s%s", n && buf[n - 1] == '/' ? "" : "/", int(name.length()),
                      name.data(), v && v->nlink() == 0 ? " (deleted)" : "");
    return text(buf, size, n);
}
} // namespace

ErrorOr<size_t> self(uint32_t, uint32_t, char* buf, size_t size)
{
    Process* r = reader();
    if (!r)
        return err(ENOENT); // a kernel thread is nobody's
    return text(buf, size, kstd::format(buf, size, "%u", r->pid()));
}

ErrorOr<size_t> exe(uint32_t pid, uint32_t, char* buf, size_t size)
{
    Process* p = TRY(live(pid));
    kstd::StringView path = p->executable_path();
    if (path.is_empty())
        return err(ENOENT); // a local client runs no program
    return text(buf, size, kstd::format(buf, size, "%.*s", int(path.length()), path.data()));
}

ErrorOr<size_t> cwd(uint32_t pid, uint32_t, char* buf, size_t size)
{
    Process* p = TRY(live(pid));
    return directory(*p, p->cwd().ptr(), buf, size);
}

ErrorOr<size_t> root(uint32_t pid, uint32_t, char* buf, size_t size)
{
    Process* p = TRY(live(pid));
    return directory(*p, p->root().ptr(), buf, size);
}

ErrorOr<size_t> fd(uint32_t pid, uint32_t fd, char* buf, size_t size)
{
    Process* p = TRY(live(pid));
    auto got = p->fds().get(int(fd));
    if (got.is_error())
        return err(ENOENT);
    kstd::RefPtr<File> file = got.release_value();
    if (Vnode* v = file->vnode(); v && v->is_directory())
        return directory(*p, v, buf, size);
    if (file->opened_in())
        return opened_path(*p, *file, buf, size);
    if (kstd::StringView anon = file->anon_inode_name(); !anon.is_empty())
        return text(buf, size, kstd::format(buf, size, "anon_inode:%.*s", int(anon.length()), anon.data()));
    linux::stat st;
    TRY(file->stat(st));
    if ((st.st_mode & linux::S_IFMT) == linux::S_IFIFO)
        return text(buf, size, kstd::format(buf, size, "pipe:[%llu]", (unsigned long long)st.st_ino));
    if (linux::is_sock(st.st_mode))
        return text(buf, size, kstd::format(buf, size, "socket:[%llu]", (unsigned long long)st.st_ino));
    return err(ENOENT);
}

} // namespace husk::proc_links
