#include "Vfs.h"
#include "../kstd/Memory.h"
#include "../core/Log.h"
#include "FileCache.h"
#include "Permissions.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr int kMaxSymlinks = 40;
Mount* g_mounts;
RefPtr<Vnode>* g_root;
unsigned g_next_mount_id = 1;

// point: the mount point's path; source: what mount(2) was given.
ErrorOr<Mount*> new_mount(FileSystem* fs, RefPtr<Vnode> covered, unsigned long flags, StringView source,
                          StringView point)
{
    auto name = TRY(kstd::String::from(source.is_empty() ? StringView("none") : source));
    auto path = TRY(kstd::String::from(point));
    auto* m = kstd::make<Mount>();
    if (!m)
        return err(ENOMEM);
    m->fs = fs;
    m->root = fs->root();
    m->covered = kstd::move(covered);
    m->flags = flags;
    m->next = nullptr;
    m->id = g_next_mount_id++;
    m->source = kstd::move(name);
    m->point = kstd::move(path);
    Mount** last = &g_mounts;
    while (*last)
        last = &(*last)->next;
    *last = m;
    m->root->root_of_mount = m;
    return m;
}

// The vnode a lookup result stands for once mounts on it are crossed.
RefPtr<Vnode> cross_mounts(RefPtr<Vnode> v)
{
    while (v->mounted_here)
        v = v->mounted_here->root;
    return v;
}
} // namespace

Mount* Mount::parent() const
{
    if (!covered)
        return const_cast<Mount*>(this);
    for (Mount* m = g_mounts; m; m = m->next)
        if (m->fs == &covered->fs())
            return m;
    return const_cast<Mount*>(this);
}

ErrorOr<void> Vfs::mount_root(FileSystem* fs, StringView source)
{
    if (g_root)
        return err(EBUSY);
    TRY(new_mount(fs, nullptr, 0, source, "/"));
    g_root = kstd::make<RefPtr<Vnode>>(fs->root());
    return {};
}

ErrorOr<void> Vfs::may_mount_on(const Vnode& target)
{
    if (!target.is_directory())
        return err(ENOTDIR);
    if (target.mounted_here)
        return err(EBUSY);
    return {};
}

ErrorOr<void> Vfs::mount(FileSystem* fs, Vnode& target, unsigned long flags, StringView source)
{
    TRY(may_mount_on(target));
    // Where it is, from the VFS root (the mount point is held, the walk
    // reads directories); the text /proc/PID/mounts shows.
    PathContext global;
    global.root = root();
    global.cwd = global.root;
    char* point = static_cast<char*>(kstd::kmalloc(linux::PATH_MAX));
    if (!point)
        return err(ENOMEM);
    auto length = path_of(global, target, point, linux::PATH_MAX);
    if (length.is_error()) {
        kstd::kfree(point);
        return length.error();
    }
    // The walk may have slept: something else may be mounted there now.
    auto made = may_mount_on(target).is_error()
        ? ErrorOr<Mount*>(err(EBUSY))
        : new_mount(fs, RefPtr<Vnode>(target), flags, source, StringView(point, length.value()));
    kstd::kfree(point);
    Mount* m = TRY(made);
    target.mounted_here = m;
    if (flags & linux::MS_RDONLY)
        fs->set_read_only(true);
    klog(LogLevel::Info, "vfs: mounted %s (dev %lu)", fs->type_name(), (unsigned long)fs->device_id());
    return {};
}

ErrorOr<void> Vfs::unmount(Vnode& target, int flags, bool (*held)(const FileSystem&))
{
    (void)flags;
    Mount* m = target.root_of_mount;
    if (!m)
        return err(EINVAL);
    if (!m->covered)
        return err(EBUSY); // the root file system stays
    // Busy while a file is open on it, a process works in it, or something
    // is mounted inside it (Linux's rules for umount without MNT_DETACH).
    for (Mount* other = g_mounts; other; other = other->next)
        if (other != m && other->covered && &other->covered->fs() == m->fs)
            return err(EBUSY);
    if (m->fs->open_files() > 0 || held(*m->fs))
        return err(EBUSY);
    TRY(m->fs->sync());
    TRY(m->fs->prepare_unmount());
    m->covered->mounted_here = nullptr;
    m->root->root_of_mount = nullptr;
    for (Mount** p = &g_mounts; *p; p = &(*p)->next) {
        if (*p == m) {
            *p = m->next;
            break;
        }
    }
    FileSystem* fs = m->fs;
    const char* type = fs->type_name();
    klog(LogLevel::Info, "vfs: unmounted %s", type);
    kstd::destroy(m); // drops root and covered
    delete fs;
    return {};
}

RefPtr<Vnode> Vfs::root() { return g_root ? *g_root : nullptr; }
Mount* Vfs::mounts() { return g_mounts; }

ErrorOr<void> Vfs::sync_all()
{
    (void)FileCache::write_back_all(); // mapped files' dirty pages first; a failure stays with them
    for (Mount* m = g_mounts; m; m = m->next)
        TRY(m->fs->sync());
    return {};
}

ErrorOr<RefPtr<Vnode>> Vfs::parent_of(const PathContext& context, Vnode& dir)
{
    RefPtr<Vnode> v(dir);
    for (;;) {
        if (v == context.root)
            return v;
        if (!v->root_of_mount || !v->root_of_mount->covered)
            break;
        v = v->root_of_mount->covered;
    }
    RefPtr<Vnode> up = TRY(v->lookup(".."));
    return cross_mounts(kstd::move(up));
}

namespace {

// A Resolved on the heap for as long as the scope.
struct HeapResolved {
    Resolved* p { nullptr };
    HeapResolved() = default;
    HeapResolved(const HeapResolved&) = delete;
    ~HeapResolved() { kstd::destroy(p); }
};

struct Walker {
    const PathContext& context;
    int links { 0 };
    bool dots { false }; // a "." or ".." component was walked

    ErrorOr<RefPtr<Vnode>> step(RefPtr<Vnode> cur, StringView comp, Resolved::Last type)
    {
        if (type == Resolved::Last::Dot)
            return cur;
        if (type == Resolved::Last::DotDot)
            return Vfs::parent_of(context, *cur);
        RefPtr<Vnode> child = TRY(cur->lookup(comp));
        return cross_mounts(kstd::move(child));
    }

    // Not inlined, and its path on the heap: a chain of 40 links nests 40
    // walks, which must fit a 64 KiB kernel stack.
    [[gnu::noinline]] ErrorOr<Resolved> follow(RefPtr<Vnode> dir, Vnode& link, unsigned flags)
    {
        if (++links > kMaxSymlinks)
            return err(ELOOP);
        auto* target = static_cast<char*>(kstd::kmalloc(linux::PATH_MAX));
        if (!target)
            return err(ENOMEM);
        auto n = link.readlink(target, linux::PATH_MAX - 1);
        if (n.is_error()) {
            kstd::kfree(target);
            return n.error();
        }
        auto result = walk(kstd::move(dir), StringView(target, n.value()), flags);
        kstd::kfree(target);
        return result;
    }

    // follow's result into *out (on the heap): one walk's result on the
    // stack per nested link instead of three.
    [[gnu::noinline]] ErrorOr<void> follow_into(Resolved* out, RefPtr<Vnode> dir, Vnode& link)
    {
        if (++links > kMaxSymlinks)
            return err(ELOOP);
        auto* target = static_cast<char*>(kstd::kmalloc(linux::PATH_MAX));
        if (!target)
            return err(ENOMEM);
        auto n = link.readlink(target, linux::PATH_MAX - 1);
        if (n.is_error()) {
            kstd::kfree(target);
            return n.error();
        }
        auto result = walk(kstd::move(dir), StringView(target, n.value()), FollowLast);
        kstd::kfree(target);
        if (result.is_error())
            return result.error();
        *out = result.release_value();
        return {};
    }

    ErrorOr<Resolved> walk(RefPtr<Vnode> cur, StringView path, unsigned flags)
    {
        if (path.is_empty())
            return err(ENOENT);
        Resolved out;
        if (path[0] == '/')
            cur = context.root;
        size_t i = 0, len = path.length();
        while (i < len && path[i] == '/')
            ++i;
        if (i == len) { // "/" or "///"
            out.parent = cur;
            out.vnode = cur;
            out.last = Resolved::Last::Root;
            out.trailing_slash = true;
            return out;
        }
        for (;;) {
            size_t j = i;
            while (j < len && path[j] != '/')
                ++j;
            StringView comp = path.substring(i, j - i);
            size_t k = j;
            while (k < len && path[k] == '/')
                ++k;
            bool last = k == len;
            bool trailing = k > j;
            if (comp.length() > linux::NAME_MAX)
                return err(ENAMETOOLONG);
            if (!cur->is_directory())
                return err(ENOTDIR);
            TRY(check_access(*cur, context.credentials, linux::X_OK));
            auto type = comp == "." ? Resolved::Last::Dot : comp == ".." ? Resolved::Last::DotDot : Resolved::Last::Normal;
            dots = dots || type != Resolved::Last::Normal;

            if (last && (flags & WantParent)) {
                auto child = step(cur, comp, type);
                if (child.is_error() && child.error().code() != ENOENT)
                    return child.error();
                if (!child.is_error() && child.value()->is_symlink() && ((flags & FollowLast) || trailing))
                    return follow(cur, *child.value(), flags);
                out.parent = cur;
                out.vnode = child.is_error() ? nullptr : child.release_value();
                memcpy(out.name, comp.data(), comp.length());
                out.name[comp.length()] = 0;
                out.last = type;
                out.trailing_slash = trailing;
                if (out.vnode && trailing && !out.vnode->is_directory() && type == Resolved::Last::Normal)
                    return err(ENOTDIR);
                return out;
            }

            RefPtr<Vnode> child = TRY(step(cur, comp, type));
            HeapResolved target;
            bool followed_last = false;
            if (child->is_symlink() && (!last || (flags & FollowLast) || trailing)) {
                target.p = kstd::make<Resolved>();
                if (!target.p)
                    return err(ENOMEM);
                TRY(follow_into(target.p, cur, *child));
                child = target.p->vnode;
                followed_last = last && (flags & FollowLast) && target.p->last == Resolved::Last::Normal;
            }
            if (last) {
                if (trailing && !child->is_directory())
                    return err(ENOTDIR);
                out.parent = cur;
                out.vnode = child;
                memcpy(out.name, comp.data(), comp.length());
                out.name[comp.length()] = 0;
                out.last = type;
                out.trailing_slash = trailing;
                if (followed_last) {
                    // The file a followed link leads to, named where it lives
                    // (execve's path for /proc/PID/exe, open's for /proc/PID/fd).
                    out.parent = target.p->parent;
                    memcpy(out.name, target.p->name, sizeof out.name);
                }
                return out;
            }
            cur = child;
            i = k;
        }
    }
};

} // namespace

ErrorOr<Resolved> Vfs::resolve(const PathContext& context, RefPtr<Vnode> base, StringView path, unsigned flags)
{
    if (path.length() >= linux::PATH_MAX)
        return err(ENAMETOOLONG);
    Walker w { context };
    Resolved r = TRY(w.walk(kstd::move(base), path, flags));
    r.plain = path.starts_with("/") && w.links == 0 && !w.dots;
    return r;
}

namespace {
struct FindName {
    uint64_t ino;
    char* name;
    bool found;
    static bool emit(void* ctx, const DirEntryView& e)
    {
        auto& f = *static_cast<FindName*>(ctx);
        if (e.ino != f.ino || e.name == "." || e.name == "..")
            return true;
        memcpy(f.name, e.name.data(), e.name.length());
        f.name[e.name.length()] = 0;
        f.found = true;
        return false;
    }
};
} // namespace

ErrorOr<size_t> Vfs::path_of(const PathContext& context, Vnode& dir, char* buf, size_t size)
{
    if (dir.nlink() == 0)
        return err(ENOENT); // removed working directory
    // Collect names leaf-first at the end of buf, then move them to the front.
    size_t pos = size;
    RefPtr<Vnode> v(dir);
    while (v != context.root) {
        RefPtr<Vnode> parent = TRY(parent_of(context, *v));
        if (parent == v)
            break;
        // The name in the parent belongs to the covered vnode of a mount root.
        Vnode* named = v.ptr();
        while (named->root_of_mount && named->root_of_mount->covered)
            named = named->root_of_mount->covered.ptr();
        char name[linux::NAME_MAX + 1];
        FindName finder { named->ino(), name, false };
        TRY(parent->readdir(0, FindName::emit, &finder));
        if (!finder.found)
            return err(ENOENT);
        size_t n = StringView::cstrlen(name);
        if (pos < n + 1)
            return err(ERANGE);
        pos -= n;
        memcpy(buf + pos, name, n);
        buf[--pos] = '/';
        v = parent;
    }
    if (pos == size) {
        if (size < 2)
            return err(ERANGE);
        buf[--pos] = '/';
    }
    size_t length = size - pos;
    if (length + 1 > size)
        return err(ERANGE);
    memmove(buf, buf + pos, length);
    buf[length] = 0;
    return length;
}

ErrorOr<bool> Vfs::is_ancestor(const PathContext& context, Vnode& ancestor, Vnode& dir)
{
    RefPtr<Vnode> v(dir);
    for (;;) {
        if (v == &ancestor)
            return true;
        RefPtr<Vnode> parent = TRY(parent_of(context, *v));
        if (parent == v)
            return false;
        v = parent;
    }
}

ErrorOr<RefPtr<Vnode>> Vfs::make_directories(kstd::StringView path, uint32_t mode)
{
    RefPtr<Vnode> dir = root();
    size_t i = 0;
    while (i < path.length()) {
        while (i < path.length() && path[i] == '/')
            ++i;
        size_t start = i;
        while (i < path.length() && path[i] != '/')
            ++i;
        if (i == start)
            break;
        kstd::StringView name = path.substring(start, i - start);
        if (name == "." || name == "..")
            return err(EINVAL);
        auto next = dir->lookup(name);
        if (next.is_error() && next.error().code() == ENOENT)
            dir = TRY(dir->mkdir(name, mode, Credentials()));
        else
            dir = TRY(kstd::move(next));
        if (dir->mounted_here)
            dir = dir->mounted_here->root;
        if (!dir->is_directory())
            return err(ENOTDIR);
    }
    return dir;
}

} // namespace husk
