#include "BootMounts.h"
#include "../block/BlockDevice.h"
#include "../core/Log.h"
#include "../kstd/Format.h"
#include "../kstd/NeverDestroyed.h"
#include "../proc/Process.h"
#include "../vfs/FileSystem.h"
#include "../vfs/Vfs.h"
#include "Config.h"

namespace husk {

namespace {
constexpr size_t kMaxMounts = 16;
struct Mounted {
    RefPtr<Vnode> dirs[kMaxMounts];
};
kstd::NeverDestroyed<Mounted> g_mounted; // kernel lifetime: no static destructor
size_t g_count;

// The file system the device holds, by its contents: ISO 9660 (read-only)
// or ext2/3/4 (read-write, or read-only for the ext4 features Husk cannot
// write, with a log line).
ErrorOr<FileSystem*> mount_by_content(const char* device, kstd::StringView where, unsigned long& flags)
{
    BlockDevice* block = BlockDevice::find(device);
    if (!block)
        return err(kstd::ENXIO);
    const FileSystemType* fs = nullptr;
    for (size_t i = 0; i < FileSystemTypes::count() && !fs; ++i)
        if (FileSystemTypes::at(i).recognizes && FileSystemTypes::at(i).recognizes(*block))
            fs = &FileSystemTypes::at(i);
    if (!fs) {
        if (FileSystemTypes::find("iso9660"))
            klog(LogLevel::Error, "boot: %s holds no ext2/3/4 or ISO 9660 file system (no ext2 magic at byte 1080, no "
                 "CD001 at byte 32769)", device);
        else
            klog(LogLevel::Error, "boot: %s holds no ext2/3/4 file system (no ext2 magic at byte 1080; this kernel was "
                 "linked without ISO 9660)", device);
        return err(kstd::EINVAL);
    }
    flags = kstd::StringView(fs->name) == "iso9660" ? linux::MS_RDONLY : 0;
    auto writable = fs->create(device, flags, {});
    if (flags || !writable.is_error() || writable.error().code() != kstd::EROFS)
        return writable;
    flags = linux::MS_RDONLY; // e.g. an ext4 image: readable, not writable by Husk
    FileSystem* mounted = TRY(fs->create(device, flags, {}));
    klog(LogLevel::Warning, "boot: %s mounted read-only at %.*s (see the line above)", device, int(where.length()),
         where.data());
    return mounted;
}

// Where a mount goes: an absolute path (a relative `where` is under /, as
// rumprun's "data"), made if missing, with nothing mounted on it yet.
ErrorOr<RefPtr<Vnode>> mount_point(kstd::StringView& where, char (&absolute)[208])
{
    if (where.is_empty() || where.length() > 200)
        return err(kstd::EINVAL);
    if (where[0] != '/') {
        size_t n = kstd::format(absolute, sizeof absolute, "/%.*s", int(where.length()), where.data());
        where = kstd::StringView(absolute, n);
    }
    if (g_count == kMaxMounts)
        return err(kstd::ENOSPC);
    RefPtr<Vnode> dir = TRY(Vfs::make_directories(where, 0755));
    if (dir->mounted_here)
        return err(kstd::EBUSY);
    return dir;
}

ErrorOr<void> attach(FileSystem* mounted, RefPtr<Vnode> dir, unsigned long flags, kstd::StringView source)
{
    if (auto m = Vfs::mount(mounted, *dir, flags, source); m.is_error()) {
        delete mounted;
        return m.error();
    }
    g_mounted->dirs[g_count++] = kstd::move(dir);
    return {};
}

// Mounts the device `source` ("vda" or "/dev/vda") at `where`. Mounting
// over a directory with files, such as /etc and its generated hostname,
// hosts, passwd, ..., hides them, as on rumprun.
ErrorOr<void> mount_one(kstd::StringView source, kstd::StringView where)
{
    if (source.starts_with("/dev/"))
        source = source.substring(5);
    if (source.is_empty() || source.length() > 16)
        return err(kstd::EINVAL);
    char device[32];
    kstd::format(device, sizeof device, "/dev/%.*s", int(source.length()), source.data());
    char absolute[208];
    RefPtr<Vnode> dir = TRY(mount_point(where, absolute));
    unsigned long flags = 0;
    FileSystem* mounted = TRY(mount_by_content(device, where, flags));
    TRY(attach(mounted, kstd::move(dir), flags, device));
    klog(LogLevel::Info, "boot: %s mounted at %.*s", device, int(where.length()), where.data());
    return {};
}

// Mounts the 9P channel with mount tag `tag` (a husk run --volume) at `where`.
ErrorOr<void> mount_volume(kstd::StringView tag, kstd::StringView where, bool read_only)
{
    char absolute[208];
    RefPtr<Vnode> dir = TRY(mount_point(where, absolute));
    const FileSystemType* type = FileSystemTypes::find("9p");
    if (!type)
        return err(kstd::ENODEV);
    unsigned long flags = read_only ? linux::MS_RDONLY : 0;
    FileSystem* mounted = TRY(type->create(tag, flags, {}));
    TRY(attach(mounted, kstd::move(dir), flags, tag));
    klog(LogLevel::Info, "boot: volume %.*s mounted at %.*s%s", int(tag.length()), tag.data(), int(where.length()),
         where.data(), read_only ? " (read-only)" : "");
    return {};
}
} // namespace

ErrorOr<void> BootMounts::mount_all()
{
    ErrorOr<void> result {};
    auto mount = [&](kstd::StringView source, kstd::StringView where) {
        if (result.is_error())
            return;
        if (auto r = mount_one(source, where); r.is_error()) {
            klog(LogLevel::Error, "boot: cannot mount %.*s at %.*s: %s", int(source.length()), source.data(),
                 int(where.length()), where.data(), kstd::errno_name(r.error().code()));
            result = r.error();
        }
    };
    // JSON: rumprun's "blk" objects ({"source": "vda", "mountpoint": "/data"},
    // one or an array of them).
    if (const kstd::JsonValue* blk = Config::json("blk")) {
        auto one = [&](const kstd::JsonValue& b) {
            const kstd::JsonValue* source = b.get("source");
            const kstd::JsonValue* where = b.get("mountpoint");
            if (!source || !where || !source->is_string() || !where->is_string()) {
                klog(LogLevel::Error, "boot: a blk entry needs \"source\" and \"mountpoint\" strings");
                result = kstd::err(kstd::EINVAL);
                return;
            }
            mount(source->text(), where->text());
        };
        if (blk->is_object())
            one(*blk);
        else if (blk->is_array())
            for (const auto& b : blk->items())
                one(b);
    }
    // JSON: "volumes": [{"tag": "husk0", "mountpoint": "/data", "readonly": true}]
    // (husk run --volume: host directories shared over 9P).
    if (const kstd::JsonValue* volumes = Config::json("volumes"); volumes && volumes->is_array()) {
        for (const auto& v : volumes->items()) {
            const kstd::JsonValue* tag = v.get("tag");
            const kstd::JsonValue* where = v.get("mountpoint");
            const kstd::JsonValue* ro = v.get("readonly");
            if (!tag || !where || !tag->is_string() || !where->is_string()) {
                klog(LogLevel::Error, "boot: a volumes entry needs \"tag\" and \"mountpoint\" strings");
                result = kstd::err(kstd::EINVAL);
                continue;
            }
            if (result.is_error())
                break;
            if (auto r = mount_volume(tag->text(), where->text(), ro && ro->boolean()); r.is_error()) {
                klog(LogLevel::Error, "boot: cannot mount volume %.*s at %.*s: %s", int(tag->text().length()),
                     tag->text().data(), int(where->text().length()), where->text().data(), kstd::errno_name(r.error().code()));
                result = r.error();
            }
        }
    }
    // Words: blk=vda:/data.
    Config::each("blk", [&](kstd::StringView word) {
        long colon = word.find(':');
        if (colon <= 0) {
            klog(LogLevel::Error, "boot: blk=%.*s: expected DEVICE:MOUNTPOINT", int(word.length()), word.data());
            result = kstd::err(kstd::EINVAL);
            return;
        }
        mount(word.substring(0, size_t(colon)), word.substring(size_t(colon) + 1));
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
            if (auto r = Vfs::unmount(*root, 0, Process::any_inside); r.is_error())
                klog(LogLevel::Warning, "boot: unmount at exit: %s (the sync above stands)", kstd::errno_name(r.error().code()));
        }
    }
}

} // namespace husk
