#include "ProcProcessDirectory.h"
#include "../../proc/Process.h"
#include "../../vfs/FileSystem.h"
#include "ProcFdDirectory.h"
#include "ProcInodes.h"
#include "ProcProcessFile.h"
#include "ProcProcessLinks.h"

namespace husk {

using namespace kstd::errno_values;
using proc_inodes::Node;

namespace {
struct Entry {
    const char* name;
    Node node;
    uint32_t mode;
    ProcLink::Target target; // links only
};

// In the order Linux lists them.
constexpr Entry kEntries[] = {
    { "fd", Node::Fds, linux::S_IFDIR | 0500, nullptr },
    { "status", Node::Status, linux::S_IFREG | 0444, nullptr },
    { "comm", Node::Comm, linux::S_IFREG | 0644, nullptr },
    { "cmdline", Node::Cmdline, linux::S_IFREG | 0444, nullptr },
    { "stat", Node::Stat, linux::S_IFREG | 0444, nullptr },
    { "statm", Node::Statm, linux::S_IFREG | 0444, nullptr },
    { "maps", Node::Maps, linux::S_IFREG | 0444, nullptr },
    { "cwd", Node::Cwd, linux::S_IFLNK | 0777, proc_links::cwd },
    { "root", Node::Root, linux::S_IFLNK | 0777, proc_links::root },
    { "exe", Node::Exe, linux::S_IFLNK | 0777, proc_links::exe },
    { "mounts", Node::Mounts, linux::S_IFREG | 0444, nullptr },
    { "mountinfo", Node::Mountinfo, linux::S_IFREG | 0444, nullptr },
};
constexpr size_t kCount = sizeof kEntries / sizeof kEntries[0];

ErrorOr<RefPtr<Vnode>> make_entry(FileSystem& fs, Process& p, const Entry& e)
{
    RefPtr<Vnode> node;
    switch (e.mode & linux::S_IFMT) {
    case linux::S_IFDIR: node = kstd::adopt_new<ProcFdDirectory>(fs, p); break;
    case linux::S_IFLNK:
        node = kstd::adopt_new<ProcLink>(fs, proc_inodes::of(p.pid(), e.node), e.mode & 07777, e.target, p.pid(), &p);
        break;
    default: node = kstd::adopt_new<ProcProcessFile>(fs, p.pid(), e.node, e.mode & 07777, &p); break;
    }
    if (!node)
        return err(ENOMEM);
    return node;
}
} // namespace

ProcProcessDirectory::ProcProcessDirectory(FileSystem& fs, Process& p)
    : ProcNode(fs, proc_inodes::of(p.pid(), Node::Directory), linux::S_IFDIR | 0555, p.pid(), &p)
{
    m_nlink = 3; // '.', its name and fd/'s '..'
}

ErrorOr<RefPtr<Vnode>> ProcProcessDirectory::lookup(kstd::StringView name)
{
    Process* p = process();
    if (!p)
        return err(ENOENT);
    if (name == ".")
        return RefPtr<Vnode>(this);
    if (name == "..")
        return fs().root();
    for (const Entry& e : kEntries)
        if (name == e.name)
            return make_entry(fs(), *p, e);
    return err(ENOENT);
}

ErrorOr<void> ProcProcessDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (!process())
        return err(ENOENT);
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", proc_inodes::kRoot, linux::DT_DIR, 2 }))
        return {};
    for (size_t i = cookie > 2 ? size_t(cookie - 2) : 0; i < kCount; ++i) {
        const Entry& e = kEntries[i];
        if (!emit(ctx, { e.name, proc_inodes::of(pid(), e.node), dirent_type(e.mode), i + 3 }))
            return {};
    }
    return {};
}

} // namespace husk
