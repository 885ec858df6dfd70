#include "ProcFdDirectory.h"
#include "../../kstd/Format.h"
#include "../../proc/Process.h"
#include "ProcInodes.h"
#include "ProcProcessDirectory.h"
#include "ProcProcessLinks.h"

namespace husk {

using namespace kstd::errno_values;
using proc_inodes::Node;

namespace {
// Linux's modes for fd links: r-x for reading, -wx for writing, none for O_PATH.
uint32_t link_permissions(File& f) { return (f.is_readable() ? 0500 : 0) | (f.is_writable() ? 0300 : 0); }
} // namespace

bool parse_proc_number(kstd::StringView name, uint32_t& out)
{
    if (name.is_empty() || name.length() > 10 || (name[0] == '0' && name.length() > 1))
        return false;
    uint64_t n = 0;
    for (size_t i = 0; i < name.length(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        n = n * 10 + uint64_t(name[i] - '0');
    }
    if (n > 0xffffffffull)
        return false;
    out = uint32_t(n);
    return true;
}

ProcFdDirectory::ProcFdDirectory(FileSystem& fs, Process& p)
    : ProcNode(fs, proc_inodes::of(p.pid(), Node::Fds), linux::S_IFDIR | 0500, p.pid(), &p)
{
}

ErrorOr<RefPtr<Vnode>> ProcFdDirectory::lookup(kstd::StringView name)
{
    Process* p = process();
    if (!p || p->is_zombie())
        return err(ENOENT);
    if (name == ".")
        return RefPtr<Vnode>(this);
    if (name == "..") {
        auto dir = kstd::adopt_new<ProcProcessDirectory>(fs(), *p);
        if (!dir)
            return err(ENOMEM);
        return RefPtr<Vnode>(kstd::move(dir));
    }
    uint32_t fd;
    if (!parse_proc_number(name, fd) || fd >= p->fds().end())
        return err(ENOENT);
    auto file = p->fds().get(int(fd));
    if (file.is_error())
        return err(ENOENT);
    auto link = kstd::adopt_new<ProcLink>(fs(), proc_inodes::of(pid(), Node::FdLink, fd),
                                          link_permissions(*file.value()), proc_links::fd, pid(), p, fd);
    if (!link)
        return err(ENOMEM);
    link->set_shown_size(64);
    return RefPtr<Vnode>(kstd::move(link));
}

ErrorOr<void> ProcFdDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (!process())
        return err(ENOENT);
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", proc_inodes::of(pid(), Node::Directory), linux::DT_DIR, 2 }))
        return {};
    // Cookie 2 + fd resumes at fd. The table is looked up again for each
    // entry: emitting may sleep, and the process may close or end meanwhile.
    for (uint64_t fd = cookie > 2 ? cookie - 2 : 0;; ++fd) {
        Process* p = process();
        if (!p || p->is_zombie() || fd >= p->fds().end())
            return {};
        if (p->fds().get(int(fd)).is_error())
            continue;
        char name[12];
        size_t n = kstd::format(name, sizeof name, "%llu", (unsigned long long)fd);
        if (!emit(ctx, { kstd::StringView(name, n), proc_inodes::of(pid(), Node::FdLink, uint32_t(fd)),
                         linux::DT_LNK, fd + 3 }))
            return {};
    }
}

} // namespace husk
