#include "RootArchive.h"
#include "../core/Log.h"
#include "../vfs/Vfs.h"

namespace husk {

namespace {
constexpr size_t kHeader = 110; // "070701" and 13 fields of 8 hex digits

bool hex8(const uint8_t* p, uint32_t& out)
{
    out = 0;
    for (int i = 0; i < 8; ++i) {
        uint8_t c = p[i];
        uint32_t d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
        if (d == 16)
            return false;
        out = out * 16 + d;
    }
    return true;
}

size_t align4(size_t n) { return (n + 3) & ~size_t(3); }

// Creates the entry `path` (relative to the root) with its contents.
ErrorOr<void> create(StringView path, uint32_t mode, StringView data)
{
    long slash = -1;
    for (size_t i = 0; i < path.length(); ++i)
        if (path[i] == '/')
            slash = long(i);
    StringView parent = slash < 0 ? StringView() : path.substring(0, size_t(slash));
    StringView name = path.substring(size_t(slash + 1));
    if (name.is_empty() || name == "." || name == "..")
        return err(kstd::EINVAL);
    RefPtr<Vnode> dir = TRY(Vfs::make_directories(parent, 0755));
    uint32_t perm = mode & 07777;
    if (linux::is_dir(mode)) {
        auto existing = dir->lookup(name);
        if (existing.is_error())
            TRY(dir->mkdir(name, perm, Credentials()));
        return {};
    }
    if (linux::is_lnk(mode)) {
        TRY(dir->symlink(name, data, Credentials()));
        return {};
    }
    if (!linux::is_reg(mode))
        return err(kstd::EOPNOTSUPP);
    auto file = TRY(dir->create(name, linux::S_IFREG | perm, Credentials(), 0));
    if (!data.is_empty())
        TRY(file->write(0, IoBuffer::kernel(const_cast<char*>(data.data())), data.length()));
    return {};
}
} // namespace

ErrorOr<void> RootArchive::unpack(const uint8_t* archive, size_t size)
{
    size_t at = 0, entries = 0;
    while (at + kHeader <= size) {
        const uint8_t* h = archive + at;
        uint32_t f[13];
        bool ok = h[0] == '0' && h[1] == '7' && h[2] == '0' && h[3] == '7' && h[4] == '0' && (h[5] == '1' || h[5] == '2');
        for (int i = 0; ok && i < 13; ++i)
            ok = hex8(h + 6 + 8 * i, f[i]);
        uint32_t mode = f[1], file_size = f[6], name_size = f[11];
        size_t name_at = at + kHeader;
        size_t data_at = align4(name_at + name_size);
        if (!ok || name_size == 0 || name_at + name_size > size || data_at > size || file_size > size - data_at
            || archive[name_at + name_size - 1] != 0) {
            klog(LogLevel::Error, "rootfs: damaged cpio archive at byte %zu (entry %zu)", at, entries);
            return err(kstd::EINVAL);
        }
        StringView name(reinterpret_cast<const char*>(archive + name_at), name_size - 1);
        if (name == "TRAILER!!!")
            return {};
        while (name.starts_with("./"))
            name = name.substring(2);
        while (name.starts_with("/"))
            name = name.substring(1);
        if (!name.is_empty() && !(name == ".")) {
            StringView data(reinterpret_cast<const char*>(archive + data_at), file_size);
            if (auto r = create(name, mode, data); r.is_error()) {
                klog(LogLevel::Error, "rootfs: cannot create /%.*s: %s", int(name.length()), name.data(),
                     kstd::errno_name(r.error().code()));
                return r.error();
            }
        }
        ++entries;
        at = align4(data_at + file_size);
    }
    klog(LogLevel::Error, "rootfs: the cpio archive ends without its trailer");
    return err(kstd::EINVAL);
}

} // namespace husk
