// Application memory: mmap, munmap, mprotect, madvise, msync, mremap, mincore, brk. Only
// processes that run a program have an address space (unikernel use); for
// local clients these calls answer ENOSYS.
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../kstd/Format.h"
#include "../mm/AddressSpace.h"
#include "../mm/SharedMemory.h"
#include "../mm/UserAccess.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kPage = AddressSpace::kPage;
constexpr int kMapShared = 0x01, kMapPrivate = 0x02, kMapSharedValidate = 0x03, kMapType = 0x0f, kMapFixed = 0x10,
              kMapAnonymous = 0x20, kMapFixedNoReplace = 0x100000;
constexpr int kMadvDontNeed = 4;
constexpr int kKnownProt = HUSK_PROT_READ | HUSK_PROT_WRITE | HUSK_PROT_EXEC;

ErrorOr<AddressSpace*> space()
{
    AddressSpace* as = AddressSpace::current();
    if (!as)
        return err(ENOSYS);
    return as;
}

bool page_aligned(uint64_t v) { return (v & (kPage - 1)) == 0; }

// MAP_PRIVATE of a file whose file system has no pages to share (procfs):
// a private copy of [offset, offset+len) of it, read now (what lies past
// the end of the file reads as zero).
ErrorOr<void> fill_from_file(AddressSpace& as, File& file, uintptr_t at, size_t len, uint64_t offset)
{
    constexpr size_t kChunk = 64 * 1024;
    void* bounce = Heap::allocate(kChunk);
    if (!bounce)
        return err(ENOMEM);
    ErrorOr<void> result {};
    for (size_t done = 0; done < len;) {
        size_t want = kstd::min(kChunk, len - done);
        auto n = file.pread(IoBuffer::kernel(bounce), want, offset + done);
        if (n.is_error()) {
            result = n.error();
            break;
        }
        if (n.value() == 0)
            break;
        if (auto w = as.write(at + done, bounce, n.value()); w.is_error()) {
            result = w.error();
            break;
        }
        done += n.value();
    }
    Heap::free(bounce);
    return result;
}
// What /proc/PID/maps names a view of `file` by (Linux's d_path of the
// mapped file): the path it was opened by, " (deleted)" once unlinked.
// Null when it has none (or no memory: the view is then unnamed).
RefPtr<RegionName> region_name_of(File& file)
{
    Vnode* v = file.vnode();
    if (!v || !file.opened_in())
        return nullptr;
    auto* buf = static_cast<char*>(Heap::allocate(linux::PATH_MAX));
    if (!buf)
        return nullptr;
    RefPtr<RegionName> name;
    if (auto n = Vfs::path_of(path_context(), *file.opened_in(), buf, linux::PATH_MAX); !n.is_error()) {
        size_t length = n.value();
        kstd::StringView last = file.opened_name();
        length += kstd::format(buf + length, linux::PATH_MAX - length, "%s%.*s%s",
                               length && buf[length - 1] == '/' ? "" : "/", int(last.length()), last.data(),
                               v->nlink() == 0 ? " (deleted)" : "");
        name = RegionName::make(kstd::StringView(buf, length), v->fs().device_id(), v->ino());
    }
    Heap::free(buf);
    return name;
}
} // namespace

SysResult sys_mmap(uint64_t addr, size_t len, int prot, int flags, int fd, int64_t offset)
{
    AddressSpace& as = *TRY(space());
    if (len == 0 || (prot & ~kKnownProt) || !page_aligned(uint64_t(offset)) || offset < 0)
        return err(EINVAL);
    int type = flags & kMapType;
    if (type != kMapShared && type != kMapPrivate && type != kMapSharedValidate)
        return err(EINVAL);
    size_t size = (len + kPage - 1) & ~(kPage - 1);
    if (size < len)
        return err(ENOMEM);
    bool anonymous = flags & kMapAnonymous;
    // MAP_SHARED anonymous memory is one set of pages a forked child shares
    // (no copy-on-write). A file's views map the file's pages: ramfs's own
    // (/tmp, /dev/shm), ext2's FileCache; a MAP_SHARED view writes into
    // them, a MAP_PRIVATE one copies a page at its first write. A file
    // system without pages (procfs) gets a private copy, so only a
    // read-only shared view.
    AddressSpace::Backing backing;
    RefPtr<File> file;
    if (anonymous && type != kMapPrivate && !(backing.shared = SharedMemory::create()))
        return err(ENOMEM);
    if (!anonymous) {
        file = TRY(file_of(fd));
        if (!file->is_readable())
            return err(EACCES);
        backing.name = region_name_of(*file);
        backing.name_offset = uint64_t(offset);
        bool shared = type != kMapPrivate;
        bool writable = file->is_writable();
        if (shared && (prot & HUSK_PROT_WRITE) && !writable)
            return err(EACCES);
        auto pages = file->vnode() ? file->vnode()->shared_pages() : ErrorOr<RefPtr<SharedMemory>>(err(ENODEV));
        if (!pages.is_error()) {
            backing.shared = pages.release_value();
            backing.first_page = size_t(uint64_t(offset) / kPage);
            backing.may_write = !shared || writable;
            backing.private_copy = !shared;
            file = nullptr; // nothing to copy: the region maps the file
        } else if (shared && (prot & HUSK_PROT_WRITE)) {
            klog(LogLevel::Warning, "mmap: MAP_SHARED with PROT_WRITE of a file without pages (procfs?) is not supported (ENODEV)");
            return err(ENODEV);
        } else if (shared) {
            backing.may_write = false; // a copy: it must not pretend to write through
        }
    }
    uintptr_t at;
    if (flags & (kMapFixed | kMapFixedNoReplace)) {
        if (!page_aligned(addr))
            return err(EINVAL);
        if ((flags & kMapFixedNoReplace) && !(flags & kMapFixed) && !as.is_free(addr, size))
            return err(EEXIST);
        TRY(as.map_fixed(addr, size, unsigned(prot), kstd::move(backing)));
        at = addr;
    } else if (addr && page_aligned(addr) && as.is_free(addr, size)
               && !as.map_fixed(addr, size, unsigned(prot), backing).is_error()) {
        at = addr; // the hint was free
    } else {
        at = TRY(as.map_anywhere(size, unsigned(prot), kstd::move(backing)));
    }
    if (file) {
        if (auto r = fill_from_file(as, *file, at, len, uint64_t(offset)); r.is_error()) {
            (void)as.unmap(at, size);
            return r.error();
        }
    }
    return long(at);
}

SysResult sys_munmap(uint64_t addr, size_t len)
{
    AddressSpace& as = *TRY(space());
    if (len == 0)
        return err(EINVAL);
    TRY(as.unmap(addr, len));
    return 0;
}

SysResult sys_mprotect(uint64_t addr, size_t len, int prot)
{
    AddressSpace& as = *TRY(space());
    if (prot & ~(kKnownProt | 0x01000000 | 0x02000000)) // PROT_GROWSDOWN/UP are accepted and ignored
        return err(EINVAL);
    if (!page_aligned(addr))
        return err(EINVAL);
    if (len == 0)
        return 0;
    TRY(as.protect(addr, len, unsigned(prot & kKnownProt)));
    return 0;
}

SysResult sys_madvise(uint64_t addr, size_t len, int advice)
{
    AddressSpace& as = *TRY(space());
    if (!page_aligned(addr))
        return err(EINVAL);
    if (advice == kMadvDontNeed)
        TRY(as.discard(addr, len)); // private anonymous memory reads back as zeros, shared keeps its contents
    return 0;                  // other advice is a hint
}

SysResult sys_msync(uint64_t addr, size_t len, int flags)
{
    constexpr int kAsync = 1, kInvalidate = 2, kSync = 4;
    AddressSpace& as = *TRY(space());
    if ((flags & ~(kAsync | kInvalidate | kSync)) || !page_aligned(addr) || ((flags & kAsync) && (flags & kSync)))
        return err(EINVAL);
    size_t size = (len + kPage - 1) & ~(kPage - 1);
    if (size < len || addr + size < addr)
        return err(ENOMEM);
    if (size && !as.covered(addr, size))
        return err(ENOMEM);
    // Shared views of files write their dirty pages back (ext2's FileCache;
    // ramfs's pages are the file, nothing to do), MS_SYNC to the disk too.
    // MS_ASYNC writes back as well: the disk sees it at the next flush.
    kstd::Vector<RefPtr<SharedMemory>> objects;
    for (const AddressSpace::Region& r : as.regions())
        if (r.start < addr + size && r.end > addr && r.shared && !r.private_copy)
            if (!objects.append(r.shared))
                return err(ENOMEM);
    for (auto& object : objects)
        TRY((flags & kSync) ? object->sync() : object->write_back());
    return 0;
}

SysResult sys_mremap(uint64_t old_addr, size_t old_len, size_t new_len, int flags, uint64_t new_addr)
{
    constexpr int kMayMove = 1, kFixed = 2, kDontUnmap = 4;
    AddressSpace& as = *TRY(space());
    if ((flags & ~(kMayMove | kFixed | kDontUnmap)) || ((flags & kFixed) && !(flags & kMayMove)))
        return err(EINVAL);
    if (flags & kDontUnmap)
        return err(EINVAL); // not kept yet (Linux 5.7's, for private anonymous memory)
    if (!page_aligned(old_addr))
        return err(EINVAL);
    size_t old_size = (old_len + kPage - 1) & ~(kPage - 1);
    size_t new_size = (new_len + kPage - 1) & ~(kPage - 1);
    if (new_len == 0 || new_size < new_len || old_size < old_len)
        return err(EINVAL);
    return long(TRY(as.remap(old_addr, old_size, new_size, flags & kMayMove, flags & kFixed, new_addr)));
}

SysResult sys_mincore(uint64_t addr, size_t len, UserPtr<uint8_t> vec)
{
    AddressSpace& as = *TRY(space());
    if (!page_aligned(addr))
        return err(EINVAL);
    size_t size = (len + kPage - 1) & ~(kPage - 1);
    if (size < len || addr + size < addr)
        return err(ENOMEM);
    if (!as.covered(addr, size))
        return err(ENOMEM); // as Linux: unmapped pages in the range
    // Resident: mapped here, or in the memory a shared or file view holds.
    uint8_t chunk[256];
    for (size_t done = 0; done < size / kPage;) {
        size_t n = kstd::min(sizeof chunk, size / kPage - done);
        for (size_t i = 0; i < n; ++i)
            chunk[i] = as.resident(addr + (done + i) * kPage) ? 1 : 0;
        if (user_copy_out(reinterpret_cast<void*>(vec.address() + done), chunk, n) != 0)
            return err(EFAULT);
        done += n;
    }
    return 0;
}

SysResult sys_brk(uint64_t addr)
{
    AddressSpace& as = *TRY(space());
    return long(as.brk(addr));
}

} // namespace husk

namespace husk {

// mlock and friends: memory is never swapped, so locking is checking the
// range is mapped (ENOMEM) and the flags are known (EINVAL).
namespace {
ErrorOr<void> check_lock_range(uint64_t addr, size_t len)
{
    AddressSpace& as = *TRY(space());
    uint64_t start = addr & ~uint64_t(kPage - 1);
    uint64_t end = (addr + len + kPage - 1) & ~uint64_t(kPage - 1);
    if (end < start || addr + len < addr)
        return err(ENOMEM);
    if (end > start && !as.covered(start, end - start))
        return err(ENOMEM);
    return {};
}
} // namespace

SysResult sys_mlock(uint64_t addr, size_t len)
{
    TRY(check_lock_range(addr, len));
    return 0;
}

SysResult sys_mlock2(uint64_t addr, size_t len, unsigned flags)
{
    if (flags & ~1u) // MLOCK_ONFAULT
        return err(EINVAL);
    TRY(check_lock_range(addr, len));
    return 0;
}

SysResult sys_munlock(uint64_t addr, size_t len)
{
    TRY(check_lock_range(addr, len));
    return 0;
}

SysResult sys_mlockall(int flags)
{
    constexpr int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return err(EINVAL);
    TRY(space());
    return 0;
}

SysResult sys_munlockall()
{
    TRY(space());
    return 0;
}

} // namespace husk
