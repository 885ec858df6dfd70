#include "ProcRoot.h"
#include "../../proc/Process.h"
#include "../../kstd/Format.h"
#include "ProcDirectory.h"
#include "ProcFdDirectory.h"
#include "ProcInodes.h"
#include "ProcProcessDirectory.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// The smallest pid at or above `from`, if any process has one.
bool next_pid(uint64_t from, uint32_t& out)
{
    bool found = false;
    Process::for_each([&](Process& p) {
        if (p.pid() >= from && (!found || p.pid() < out)) {
            out = p.pid();
            found = true;
        }
    });
    return found;
}
} // namespace

ProcRoot::ProcRoot(FileSystem& fs, DirectoryFill fill)
    : ProcNode(fs, proc_inodes::kRoot, linux::S_IFDIR | 0555, 0, nullptr), m_fill(fill)
{
    m_nlink += 2; // net's and sys's '..'
}

ErrorOr<void> ProcRoot::filled()
{
    if (!m_fill)
        return {};
    DirectoryFill fill = m_fill;
    m_fill = nullptr;
    return fill(*this);
}

ErrorOr<void> ProcRoot::add(const char* name, RefPtr<Vnode> node)
{
    if (node->is_directory())
        static_cast<ProcDirectory&>(*node).set_parent(this);
    if (!m_entries.append(Entry { name, kstd::move(node) }))
        return err(ENOMEM);
    return {};
}

ErrorOr<RefPtr<Vnode>> ProcRoot::lookup(kstd::StringView name)
{
    if (name == "." || name == "..")
        return RefPtr<Vnode>(this); // the VFS crosses the mount for '..'
    TRY(filled());
    for (auto& e : m_entries)
        if (name == e.name)
            return e.node;
    uint32_t pid;
    Process* p = parse_proc_number(name, pid) ? Process::find(pid) : nullptr;
    if (!p)
        return err(ENOENT);
    auto dir = kstd::adopt_new<ProcProcessDirectory>(fs(), *p);
    if (!dir)
        return err(ENOMEM);
    return RefPtr<Vnode>(kstd::move(dir));
}

ErrorOr<void> ProcRoot::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    TRY(filled());
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", ino(), linux::DT_DIR, 2 }))
        return {};
    // Cookies 2.. are the fixed entries; after them, base + pid resumes at pid.
    uint64_t base = 2 + m_entries.size();
    for (uint64_t i = cookie > 2 ? cookie - 2 : 0; i < m_entries.size(); ++i) {
        Vnode& node = *m_entries[i].node;
        if (!emit(ctx, { m_entries[i].name, node.ino(), dirent_type(node.mode()), i + 3 }))
            return {};
    }
    uint32_t pid;
    for (uint64_t from = cookie > base ? cookie - base : 0; next_pid(from, pid); from = uint64_t(pid) + 1) {
        char name[12];
        size_t n = kstd::format(name, sizeof name, "%u", pid);
        if (!emit(ctx, { kstd::StringView(name, n), proc_inodes::of(pid, proc_inodes::Node::Directory),
                         linux::DT_DIR, base + pid + 1 }))
            return {};
    }
    return {};
}

} // namespace husk
