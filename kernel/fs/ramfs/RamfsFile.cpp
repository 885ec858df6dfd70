#include "RamfsFile.h"
#include "../../core/Heap.h" // kPageSize
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

uint8_t* RamfsFile::page(uint64_t index)
{
    return m_data && index < SharedMemory::kNoEnd ? static_cast<uint8_t*>(m_data->find(size_t(index))) : nullptr;
}

ErrorOr<SharedMemory*> RamfsFile::data()
{
    if (!m_data) {
        m_data = SharedMemory::create();
        if (!m_data)
            return err(ENOSPC);
        m_data->set_end(m_size);
    }
    return m_data.ptr();
}

ErrorOr<RefPtr<SharedMemory>> RamfsFile::shared_pages()
{
    if (!is_regular())
        return err(ENODEV); // a socket's name
    return RefPtr<SharedMemory>(TRY(data()));
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
    if (n == 0)
        return 0;
    if (offset / kPageSize >= SharedMemory::kNoEnd || n > UINT64_MAX - offset)
        return err(EFBIG);
    SharedMemory& pages = *TRY(data());
    size_t done = 0;
    kstd::Error failure = kstd::err(0);
    while (done < n) {
        uint64_t at = offset + done;
        size_t in_page = at % kPageSize;
        size_t chunk = kstd::min(n - done, kPageSize - in_page);
        auto page = pages.page(size_t(at / kPageSize)); // ramfs's own pages: ENOMEM only
        auto* p = page.is_error() ? nullptr : static_cast<uint8_t*>(page.value());
        if (!p) {
            failure = err(ENOSPC);
            break;
        }
        if (auto r = buf.read_into(p + in_page, done, chunk); r.is_error()) {
            failure = r.error();
            break;
        }
        done += chunk;
    }
    if (done == 0 && n > 0)
        return failure;
    if (offset + done > m_size) {
        m_size = offset + done;
        pages.set_end(m_size); // mappings may now reach the new pages
    }
    m_mtime = m_ctime = Timestamp::now();
    return done;
}

ErrorOr<void> RamfsFile::truncate(uint64_t size)
{
    if (size / kPageSize >= SharedMemory::kNoEnd)
        return err(EFBIG);
    if (size < m_size && m_data) {
        // Free whole pages past the end, unmapping them from every program
        // first (their next touch there is SIGBUS, as on Linux); zero the
        // tail of the last one, which mappings still see, so a later
        // extension reads zeros, as POSIX requires.
        m_data->set_end(size);
        m_data->discard_from(size_t((size + kPageSize - 1) / kPageSize));
        if (size % kPageSize)
            if (uint8_t* last = page(size / kPageSize))
                memset(last + size % kPageSize, 0, kPageSize - size % kPageSize);
    }
    m_size = size;
    if (m_data)
        m_data->set_end(size);
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
    if (m_data)
        m_data->for_each([&](size_t i, void*) {
            if (i >= index && i < best)
                best = i;
        });
    if (best == UINT64_MAX || best * kPageSize >= m_size)
        return err(ENXIO);
    return kstd::max<uint64_t>(best * kPageSize, offset);
}

} // namespace husk
