#include "VnodeFile.h"
#include "../core/Heap.h"
#include "FileCache.h"
#include "FileSystem.h"
#include "RecordLocks.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr uint64_t kMaxFileSize = uint64_t(INT64_MAX);
// A longer generated text is read piece by piece, as before.
constexpr size_t kMaxSnapshot = 65536;
}

VnodeFile::VnodeFile(kstd::RefPtr<Vnode> vnode, int flags) : File(flags), m_vnode(kstd::move(vnode))
{
    m_vnode->fs().file_opened();
}

VnodeFile::~VnodeFile()
{
    drop_snapshot();
    RecordLocks::release_all(this); // its OFD locks
    if (m_holds_write_access)
        m_vnode->put_write_access();
    m_vnode->fs().file_closed();
}

ErrorOr<size_t> VnodeFile::pread(IoBuffer buf, size_t n, uint64_t offset)
{
    if (!is_readable())
        return err(EBADF);
    if (m_vnode->is_directory())
        return err(EISDIR);
    size_t done = TRY(m_vnode->read(offset, buf, n));
    TRY(FileCache::after_read(*m_vnode, offset, buf, done)); // pages a mapping wrote
    return done;
}

ErrorOr<size_t> VnodeFile::pwrite(IoBuffer buf, size_t n, uint64_t offset)
{
    if (!is_writable())
        return err(EBADF);
    if (m_vnode->fs().is_read_only())
        return err(EROFS);
    if (m_flags & linux::O_APPEND)
        offset = m_vnode->size(); // Linux appends even for pwrite (see pwrite(2) BUGS)
    if (offset > kMaxFileSize || n > kMaxFileSize - offset)
        return err(EFBIG);
    FileCache::before_write(*m_vnode, offset + n);
    size_t done = TRY(m_vnode->write(offset, buf, n));
    TRY(FileCache::after_write(*m_vnode, offset, buf, done)); // into the mappings' pages too
    return done;
}

ErrorOr<size_t> VnodeFile::read(IoBuffer buf, size_t n)
{
    if (m_offset == 0 && m_vnode->is_generated_text() && is_readable())
        take_snapshot();
    if (m_snapshot) {
        size_t done = m_offset < m_snapshot_length ? kstd::min<size_t>(n, m_snapshot_length - size_t(m_offset)) : 0;
        TRY(buf.write_from(0, m_snapshot + m_offset, done));
        m_offset += done;
        return done;
    }
    size_t done = TRY(pread(buf, n, m_offset));
    m_offset += done;
    return done;
}

void VnodeFile::take_snapshot()
{
    drop_snapshot();
    auto* text = static_cast<char*>(Heap::allocate(kMaxSnapshot));
    if (!text)
        return; // short of memory: reads go to the vnode, as without one
    auto made = m_vnode->read(0, IoBuffer::kernel(text), kMaxSnapshot);
    // An error is the read's own to report (it asks the vnode again); a
    // text that may be longer is read piece by piece.
    if (!made.is_error() && made.value() < kMaxSnapshot) {
        m_snapshot = static_cast<char*>(Heap::allocate(made.value() ? made.value() : 1));
        if (m_snapshot) {
            memcpy(m_snapshot, text, made.value());
            m_snapshot_length = made.value();
        }
    }
    Heap::free(text);
}

void VnodeFile::drop_snapshot()
{
    Heap::free(m_snapshot);
    m_snapshot = nullptr;
    m_snapshot_length = 0;
}

ErrorOr<size_t> VnodeFile::write(IoBuffer buf, size_t n)
{
    if (!is_writable())
        return err(EBADF);
    if (m_flags & linux::O_APPEND)
        m_offset = m_vnode->size();
    size_t done = TRY(pwrite(buf, n, m_offset));
    m_offset += done;
    return done;
}

ErrorOr<uint64_t> VnodeFile::seek(int64_t offset, int whence)
{
    if (is_path_only())
        return err(EBADF);
    int64_t base;
    switch (whence) {
    case linux::SEEK_SET: base = 0; break;
    case linux::SEEK_CUR: base = int64_t(m_offset); break;
    case linux::SEEK_END: base = int64_t(m_vnode->size()); break;
    case linux::SEEK_DATA:
    case linux::SEEK_HOLE: {
        if (offset < 0)
            return err(ENXIO);
        uint64_t at = TRY(m_vnode->seek_data(uint64_t(offset), whence == linux::SEEK_HOLE));
        if (at != m_offset)
            drop_snapshot();
        m_offset = at;
        return at;
    }
    default: return err(EINVAL);
    }
    if ((offset > 0 && base > INT64_MAX - offset))
        return err(EOVERFLOW);
    int64_t target = base + offset;
    if (target < 0)
        return err(EINVAL);
    if (uint64_t(target) != m_offset)
        drop_snapshot(); // elsewhere in a generated text: read afresh (at 0: a new snapshot)
    m_offset = uint64_t(target);
    return m_offset;
}

ErrorOr<void> VnodeFile::stat(linux::stat& out)
{
    fill_stat(*m_vnode, out);
    return {};
}

ErrorOr<long> VnodeFile::ioctl(unsigned long request, IoBuffer arg)
{
    if (request == linux::FIONREAD && m_vnode->is_regular()) {
        int avail = m_offset < m_vnode->size() ? int(kstd::min<uint64_t>(m_vnode->size() - m_offset, INT32_MAX)) : 0;
        TRY(arg.write_from(0, &avail, sizeof avail));
        return 0;
    }
    return File::ioctl(request, arg);
}

namespace {
struct DentsCursor {
    IoBuffer buf;
    size_t size;
    size_t used;
    uint64_t cookie;
    bool fault;
    bool legacy;
};

// The old getdents's struct linux_dirent: d_ino, d_off, d_reclen, the
// name, a NUL, padding, and d_type in the last byte.
constexpr size_t kLegacyNameOffset = 18;

bool emit_dirent(void* ctx, const DirEntryView& e)
{
    auto& c = *static_cast<DentsCursor*>(ctx);
    size_t name_at = c.legacy ? kLegacyNameOffset : linux::kDirent64NameOffset;
    size_t reclen = kstd::align_up<size_t>(name_at + e.name.length() + (c.legacy ? 2 : 1), 8);
    if (c.used + reclen > c.size)
        return false;
    alignas(8) uint8_t record[linux::kDirent64NameOffset + linux::NAME_MAX + 1 + 8] = {};
    if (c.legacy) {
        uint64_t ino = e.ino, off = e.next_cookie;
        uint16_t len16 = uint16_t(reclen);
        memcpy(record, &ino, 8);
        memcpy(record + 8, &off, 8);
        memcpy(record + 16, &len16, 2);
        record[reclen - 1] = e.type;
    } else {
        linux::dirent64_header h { e.ino, int64_t(e.next_cookie), uint16_t(reclen), e.type };
        memcpy(record, &h, linux::kDirent64NameOffset);
    }
    memcpy(record + name_at, e.name.data(), e.name.length());
    if (c.buf.write_from(c.used, record, reclen).is_error()) {
        c.fault = true;
        return false;
    }
    c.used += reclen;
    c.cookie = e.next_cookie;
    return true;
}
} // namespace

ErrorOr<size_t> VnodeFile::getdents(IoBuffer buf, size_t size, bool legacy)
{
    if (is_path_only())
        return err(EBADF);
    if (!m_vnode->is_directory())
        return err(ENOTDIR);
    if (m_vnode->nlink() == 0)
        return err(ENOENT); // a removed directory cannot be listed
    DentsCursor cursor { buf, size, 0, m_offset, false, legacy };
    TRY(m_vnode->readdir(m_offset, emit_dirent, &cursor));
    if (cursor.fault)
        return err(EFAULT);
    // Not even one entry fit although more exist: Linux says EINVAL.
    if (cursor.used == 0 && cursor.cookie == m_offset) {
        struct Any { static bool emit(void* ctx, const DirEntryView&) { *static_cast<bool*>(ctx) = true; return false; } };
        bool more = false;
        TRY(m_vnode->readdir(m_offset, Any::emit, &more));
        if (more)
            return err(EINVAL);
    }
    m_offset = cursor.cookie;
    return cursor.used;
}

} // namespace husk
