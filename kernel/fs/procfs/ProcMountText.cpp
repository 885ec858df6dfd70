#include "ProcMountText.h"
#include "../../core/Heap.h"
#include "../../vfs/Vfs.h"

namespace husk::proc_mounts {

namespace {
// A field as Linux's seq_escape shows it: space, tab, newline and
// backslash in octal, so that a line splits at its spaces.
void escaped(ProcText& out, kstd::StringView s)
{
    for (size_t i = 0; i < s.length(); ++i) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\\')
            out.add("\\%03o", unsigned(uint8_t(c)));
        else
            out.add(kstd::StringView(&c, 1));
    }
}

// show_mnt_opts: the per-mount flags after rw/ro.
void mount_flags(ProcText& out, unsigned long flags)
{
    static constexpr struct {
        unsigned long flag;
        const char* name;
    } kNames[] = {
        { linux::MS_NOSUID, ",nosuid" }, { linux::MS_NODEV, ",nodev" }, { linux::MS_NOEXEC, ",noexec" },
        { linux::MS_NOATIME, ",noatime" }, { linux::MS_NODIRATIME, ",nodiratime" },
        { linux::MS_RELATIME, ",relatime" },
    };
    for (auto& n : kNames)
        if (flags & n.flag)
            out.add("%s", n.name);
}

// show_sb_opts: the file system's flags after rw/ro.
void super_flags(ProcText& out, unsigned long flags)
{
    if (flags & linux::MS_SYNCHRONOUS)
        out.add(",sync");
    if (flags & linux::MS_DIRSYNC)
        out.add(",dirsync");
}

// Where the reader's root is, from the VFS root ("" for the VFS root
// itself); false when it cannot be named.
bool root_path(const PathContext& context, char* buf, size_t size, size_t& length)
{
    RefPtr<Vnode> global = Vfs::root();
    length = 0;
    if (!context.root || context.root == global)
        return true;
    PathContext from_top = context;
    from_top.root = global;
    auto n = Vfs::path_of(from_top, *context.root, buf, size);
    if (n.is_error())
        return false;
    length = n.value() == 1 ? 0 : n.value(); // "/" is the VFS root
    return true;
}

// The mount point as seen from a root at `root` (its path from the VFS
// root), or false when the mount is outside it.
bool visible_point(const Mount& m, kstd::StringView root, kstd::StringView& shown)
{
    kstd::StringView point = m.point.view();
    if (root.is_empty()) {
        shown = point;
        return true;
    }
    if (!point.starts_with(root))
        return false;
    if (point.length() == root.length()) {
        shown = "/";
        return true;
    }
    if (point[root.length()] != '/')
        return false;
    shown = point.substring(root.length());
    return true;
}

template<typename Line>
void each_visible(const PathContext& context, Line line)
{
    auto* root = static_cast<char*>(Heap::allocate(linux::PATH_MAX));
    if (!root)
        return;
    size_t length;
    // The walk may sleep; the mount list is read after it, without sleeping.
    if (root_path(context, root, linux::PATH_MAX, length)) {
        kstd::StringView root_view(root, length);
        for (Mount* m = Vfs::mounts(); m; m = m->next) {
            kstd::StringView shown;
            if (visible_point(*m, root_view, shown))
                line(*m, shown);
        }
    }
    Heap::free(root);
}
} // namespace

size_t text_size()
{
    size_t count = 0;
    for (Mount* m = Vfs::mounts(); m; m = m->next)
        ++count;
    return 4096 + count * 1024;
}

void mounts(const PathContext& context, ProcText& out)
{
    each_visible(context, [&](Mount& m, kstd::StringView point) {
        escaped(out, m.source.view());
        out.add(" ");
        escaped(out, point);
        out.add(" %s %s", m.fs->type_name(), (m.flags & linux::MS_RDONLY) || m.fs->is_read_only() ? "ro" : "rw");
        super_flags(out, m.flags);
        mount_flags(out, m.flags);
        out.add(" 0 0\n");
    });
}

void mountinfo(const PathContext& context, ProcText& out)
{
    each_visible(context, [&](Mount& m, kstd::StringView point) {
        uint64_t dev = m.fs->device_id();
        out.add("%u %u %u:%u / ", m.id, m.parent()->id, linux::major_of(dev), linux::minor_of(dev));
        escaped(out, point);
        out.add(" %s", m.flags & linux::MS_RDONLY ? "ro" : "rw");
        mount_flags(out, m.flags);
        out.add(" - %s ", m.fs->type_name());
        escaped(out, m.source.view());
        out.add(" %s", m.fs->is_read_only() ? "ro" : "rw");
        super_flags(out, m.flags);
        out.add("\n");
    });
}

} // namespace husk::proc_mounts
