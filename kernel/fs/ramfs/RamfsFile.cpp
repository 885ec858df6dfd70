#include "RamfsFile.h"
#include "../../core/Heap.h"
#include "RamfsFileSystem.h"

namespace husk {

using namespace kstd::errno_values;

// A regular file, or a socket's name (an inode with no data).
RamfsFile::RamfsFile(RamfsFileSystem& fs, uint64_t ino, uint32_t mode, const Credentials& owner)
    : Vnode(fs, ino, (linux::is_sock(mode) ? linux::S_IFSOCK : linux::S_IFREG) | (mode & 07777))
{
    m_uid = owner.euid;
    m_gid = owner.egid;
}

RamfsFile::~RamfsFile()
{
    m_pages.for_each([](uint64_t, uint8_t*& p) { Heap::free_pages(p, 1); });
}

uint8_t* RamfsFile::page(uint64_t index)
{
    uint8_t** p = m_pages.get(index);
    return p ? *p : nullptr;
}

ErrorOr<size_t> RamfsFile::read(uint64_t offset, IoBuffer buf, size_t n)
{
    if (offset >= m_size)
        return 0;
    n = size_t(kstd::min<uint64_t>(n, m_size - offset));
    size_t done = 0;
    while (done < n) {
        uint64_t at = offset + done;
        size_t in_page = at % kPageSize;
        size_t chunk = kstd::min(n - done, kPageSize - in_page);
        uint8_t* p = page(at / kPageSize);
        auto r = p ? buf.write_from(done, p + in_page, chunk) : buf.fill_zero(done, chunk);
        if (r.is_error()) {
            if (done)
                break;
            return r.error();
        }
        done += chunk;
    }
    m_atime = Timestamp::now();
    return done;
}

ErrorOr<size_t> RamfsFile::write(uint64_t offset, IoBuffer buf, size_t n)
{
    size_t done = 0;
    kstd::Error failure = kstd::err(0);
    while (done < n) {
        uint64_t at = offset + done;
        size_t in_page = at % kPageSize;
        size_t chunk = kstd::min(n - done, kPageSize - in_page);
        uint8_t* p = page(at / kPageSize);
        if (!p) {
            p = static_cast<uint8_t*>(Heap::allocate_pages(1));
            if (!p) {
                failure = err(ENOSPC);
                break;
            }
            if (!m_pages.set(at / kPageSize, p)) {
                Heap::free_pages(p, 1);
                failure = err(ENOSPC);
                break;
            }
        }
        if (auto r = buf.read_into(p + in_page, done, chunk); r.is_error()) {
            failure = r.error();
            break;
        }
        done += chunk;
    }
    if (done == 0 && n > 0)
        return failure;
    if (offset + done > m_size)
        m_size = offset + done;
    m_mtime = m_ctime = Timestamp::now();
    return done;
}

ErrorOr<void> RamfsFile::truncate(uint64_t size)
{
    if (size < m_size) {
        uint64_t keep = (size + kPageSize - 1) / kPageSize;
        // Free whole pages past the end; zero the tail of the last one so a
        // later extension reads zeros, as POSIX requires.
        m_pages.remove_if([&](uint64_t index, uint8_t*& data) {
            if (index < keep)
                return false;
            Heap::free_pages(data, 1);
            return true;
        });
        if (size % kPageSize)
            if (uint8_t* last = page(size / kPageSize))
                memset(last + size % kPageSize, 0, kPageSize - size % kPageSize);
    }
    m_size = size;
    m_mtime = m_ctime = Timestamp::now();
    return {};
}

ErrorOr<uint64_t> RamfsFile::seek_data(uint64_t offset, bool want_hole)
{
    if (offset >= m_size)
        return err(ENXIO);
    uint64_t index = offset / kPageSize;
    if (want_hole) {
        while (index * kPageSize < m_size && page(index))
            ++index;
        return kstd::min<uint64_t>(kstd::max<uint64_t>(index * kPageSize, offset), m_size);
    }
    // Smallest allocated page at or after offset.
    uint64_t best = UINT64_MAX;
    m_pages.for_each([&](uint64_t i, uint8_t*&) {
        if (i >= index && i < best)
            best = i;
    });
    if (best == UINT64_MAX || best * kPageSize >= m_size)
        return err(ENXIO);
    return kstd::max<uint64_t>(best * kPageSize, offset);
}

} // namespace husk
