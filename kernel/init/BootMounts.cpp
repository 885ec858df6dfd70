#include "BootMounts.h"
#include "../core/Log.h"
#include "../kstd/Format.h"
#include "../kstd/NeverDestroyed.h"
#include "../vfs/FileSystem.h"
#include "../vfs/Vfs.h"
#include "Config.h"

namespace husk {

using kstd::err;
using kstd::ErrorOr;
using kstd::RefPtr;

namespace {
constexpr size_t kMaxMounts = 16;
struct Mounted {
    RefPtr<Vnode> dirs[kMaxMounts];
};
kstd::NeverDestroyed<Mounted> g_mounted; // kernel lifetime: no static destructor
size_t g_count;

// The directory at `path` (absolute), made with its parents if missing.
ErrorOr<RefPtr<Vnode>> make_directories(kstd::StringView path)
{
    RefPtr<Vnode> dir = Vfs::root();
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
            return err(kstd::EINVAL);
        auto next = dir->lookup(name);
        if (next.is_error() && next.error().code() == kstd::ENOENT)
            dir = TRY(dir->mkdir(name, 0755, Credentials()));
        else
            dir = TRY(kstd::move(next));
        if (!dir->is_directory())
            return err(kstd::ENOTDIR);
    }
    return dir;
}

ErrorOr<void> mount_one(kstd::StringView word)
{
    long colon = word.find(':');
    if (colon <= 0 || size_t(colon) + 2 > word.length() || word[size_t(colon) + 1] != '/')
        return err(kstd::EINVAL);
    char device[32];
    kstd::format(device, sizeof device, "/dev/%.*s", int(colon), word.data());
    kstd::StringView where = word.substring(size_t(colon) + 1);
    if (g_count == kMaxMounts)
        return err(kstd::ENOSPC);
    RefPtr<Vnode> dir = TRY(make_directories(where));
    if (dir->mounted_here)
        return err(kstd::EBUSY);
    const FileSystemType* ext2 = FileSystemTypes::find("ext2");
    if (!ext2)
        return err(kstd::ENODEV);
    unsigned long flags = 0;
    auto writable = ext2->create(device, flags, {});
    FileSystem* mounted;
    if (writable.is_error() && writable.error().code() == kstd::EROFS) {
        flags = linux::MS_RDONLY; // e.g. an ext4 image: readable, not writable by Husk
        mounted = TRY(ext2->create(device, flags, {}));
        klog(LogLevel::Warning, "boot: %s mounted read-only at %.*s (see the line above)", device,
             int(where.length()), where.data());
    } else {
        mounted = TRY(kstd::move(writable));
    }
    if (auto m = Vfs::mount(mounted, *dir, flags); m.is_error()) {
        delete mounted;
        return m.error();
    }
    g_mounted->dirs[g_count++] = dir;
    klog(LogLevel::Info, "boot: %s mounted at %.*s", device, int(where.length()), where.data());
    return {};
}
} // namespace

ErrorOr<void> BootMounts::mount_all()
{
    ErrorOr<void> result {};
    Config::each("blk", [&](kstd::StringView word) {
        if (result.is_error())
            return;
        if (auto r = mount_one(word); r.is_error()) {
            klog(LogLevel::Error, "boot: cannot mount blk=%.*s: %s", int(word.length()), word.data(),
                 kstd::errno_name(r.error().code()));
            result = r.error();
        }
    });
    return result;
}

void BootMounts::unmount_all()
{
    (void)Vfs::sync_all();
    while (g_count) {
        RefPtr<Vnode> dir = kstd::move(g_mounted->dirs[--g_count]);
        Vnode* root = dir->mounted_here ? dir->mounted_here->root.ptr() : nullptr;
        dir.clear();
        if (root) {
            if (auto r = Vfs::unmount(*root, 0); r.is_error())
                klog(LogLevel::Warning, "boot: unmount at exit: %s (the sync above stands)", kstd::errno_name(r.error().code()));
        }
    }
}

} // namespace husk
