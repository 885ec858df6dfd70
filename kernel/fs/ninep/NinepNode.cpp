#include "NinepNode.h"
#include "../../vfs/File.h"
#include "../../vfs/FileCache.h"

namespace husk {

using namespace kstd::errno_values;
using namespace ninep;
using kstd::StringView;

namespace {
Timestamp stamp(uint64_t sec, uint64_t nsec) { return { int64_t(sec), int64_t(nsec) }; }
bool same(Timestamp t, uint64_t sec, uint64_t nsec) { return uint64_t(t.sec) == sec && uint64_t(t.nsec) == nsec; }


// A copy that stopped at a bad page of a client's buffer goes as far as
// the page before it, as Linux's read and write do: the bytes copied.
size_t copy_out_prefix(IoBuffer buf, size_t offset, const uint8_t* src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t piece = kstd::min(n - done, size_t(4096 - (buf.user_address() + offset + done) % 4096));
        if (buf.write_from(offset + done, src + done, piece).is_error())
            break;
        done += piece;
    }
    return done;
}

size_t copy_in_prefix(IoBuffer buf, size_t offset, uint8_t* dst, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t piece = kstd::min(n - done, size_t(4096 - (buf.user_address() + offset + done) % 4096));
        if (buf.read_into(dst + done, offset + done, piece).is_error())
            break;
        done += piece;
    }
    return done;
}

// Opened for: 0 read, 1 write, 2 both (O_ACCMODE's values).
bool fits(int open_mode, bool write) { return open_mode == linux::O_RDWR || open_mode == (write ? 1 : 0); }
} // namespace

NinepNode::~NinepNode()
{
    // Out of the cache before the messages below may sleep: a lookup in
    // between must make a new node, not revive this one.
    fs().vnode_cache().remove(*this);
    client().clunk(m_open_fid);
    client().clunk(m_fid);
}

void NinepNode::set_attributes(const Attr& a)
{
    m_mode = (m_mode & linux::S_IFMT) | (a.mode & 07777);
    m_uid = a.uid;
    m_gid = a.gid;
    m_nlink = uint32_t(a.nlink);
    m_size = a.size;
    m_rdev = a.rdev;
    m_blocks = a.blocks;
    m_atime = stamp(a.atime_sec, a.atime_nsec);
    m_mtime = stamp(a.mtime_sec, a.mtime_nsec);
    m_ctime = stamp(a.ctime_sec, a.ctime_nsec);
    m_server = a;
}

ErrorOr<void> NinepNode::refresh()
{
    Writer t(Tgetattr, 0, kHeader + 12);
    // An open fid reaches the file even after its last name went (fstat).
    t.u32(m_open_fid != kNoFid ? m_open_fid : m_fid).u64(kGetattrBasic);
    Reply r = TRY(client().call(t, 256));
    Attr a = read_attr(r.reader);
    if (!r.reader.ok())
        return err(EIO);
    set_attributes(a);
    return {};
}

void NinepNode::replace_fid(uint32_t fid)
{
    if (fid == m_fid)
        return;
    uint32_t old = m_fid;
    m_fid = fid;
    client().clunk(old);
}

void NinepNode::adopt_open_fid(uint32_t fid, bool writable)
{
    uint32_t old = m_open_fid;
    m_open_fid = fid;
    m_open_mode = writable ? linux::O_RDWR : 0;
    client().clunk(old);
}

ErrorOr<uint32_t> NinepNode::walk(StringView name, Qid* qid)
{
    uint32_t fid = client().new_fid();
    Writer t(Twalk, 0, kHeader + 10 + 2 + name.length());
    t.u32(m_fid).u32(fid).u16(name.is_empty() ? 0 : 1);
    if (!name.is_empty())
        t.string(name);
    Reply r = TRY(client().call(t, 64));
    uint16_t n = r.reader.u16();
    if (!name.is_empty()) {
        Qid q = r.reader.qid();
        if (n != 1 || !r.reader.ok()) {
            if (n == 1)
                client().clunk(fid);
            return err(n == 1 ? EIO : ENOENT);
        }
        if (qid)
            *qid = q;
    }
    return fid;
}

ErrorOr<uint32_t> NinepNode::open_fid(bool write)
{
    if (m_open_fid != kNoFid && fits(m_open_mode, write))
        return m_open_fid;
    // Read and write both when the server lets us: one fid serves every
    // open file of the vnode. Else what this use needs.
    int modes[2] = { linux::O_RDWR, write ? 1 : 0 };
    if (is_directory() || fs().is_read_only())
        modes[0] = modes[1];
    ErrorOr<void> failed = err(EACCES);
    for (int mode : modes) {
        uint32_t fid = TRY(walk("", nullptr));
        Writer t(Tlopen, 0, kHeader + 8);
        t.u32(fid).u32(uint32_t(mode | (is_directory() ? linux::O_DIRECTORY : 0)));
        auto r = client().call(t, 64);
        if (r.is_error()) {
            client().clunk(fid);
            failed = r.error();
            int e = r.error().code();
            if (e == EACCES || e == EPERM || e == EROFS || e == ETXTBSY)
                continue;
            return r.error();
        }
        // Another thread may have opened one meanwhile.
        if (m_open_fid != kNoFid && fits(m_open_mode, write)) {
            client().clunk(fid);
            return m_open_fid;
        }
        uint32_t old = m_open_fid;
        m_open_fid = fid;
        m_open_mode = mode;
        client().clunk(old);
        return fid;
    }
    return failed.error();
}

ErrorOr<RefPtr<File>> NinepNode::open_device(int flags)
{
    // Opened now, so that a name removed later does not end the file's I/O.
    if (is_regular())
        TRY(open_fid((flags & linux::O_ACCMODE) != linux::O_RDONLY));
    else if (is_directory())
        (void)open_fid(false); // listing tries again
    return RefPtr<File>();
}

ErrorOr<RefPtr<Vnode>> NinepNode::lookup(StringView name)
{
    if (!is_directory())
        return err(ENOTDIR);
    if (name == ".")
        return RefPtr<Vnode>(*this);
    if (name.length() > linux::NAME_MAX)
        return err(ENAMETOOLONG);
    Qid qid;
    auto fid = walk(name, &qid);
    if (fid.is_error() && name == ".." && m_parent)
        return RefPtr<Vnode>(m_parent);
    RefPtr<NinepNode> node = TRY(p9().node_for(TRY(fid), qid));
    if (node->is_directory() && name != "..")
        node->m_parent = *this;
    return RefPtr<Vnode>(node);
}

ErrorOr<void> NinepNode::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (!is_directory())
        return err(ENOTDIR);
    uint32_t fid = TRY(open_fid(false));
    uint32_t room = client().msize() - uint32_t(kReaddirHeader);
    for (uint64_t at = cookie;;) {
        Writer t(Treaddir, 0, kHeader + 16);
        t.u32(fid).u64(at).u32(room);
        Reply r = TRY(client().call(t, kReaddirHeader + room));
        uint32_t count = r.reader.u32();
        const uint8_t* bytes = r.reader.bytes(count);
        if (!bytes)
            return err(EIO);
        if (count == 0)
            return {};
        Reader entries(bytes, count);
        DirEntry e;
        while (next_dir_entry(entries, e)) {
            if (!emit(ctx, { e.name, e.qid.path, e.type, e.offset }))
                return {};
            at = e.offset;
        }
        if (!entries.ok())
            return err(EIO);
    }
}

ErrorOr<size_t> NinepNode::read(uint64_t offset, IoBuffer buf, size_t n)
{
    if (is_directory())
        return err(EISDIR);
    if (!is_regular())
        return err(EINVAL);
    uint32_t fid = TRY(open_fid(false));
    size_t most = client().msize() - kReadHeader;
    size_t done = 0;
    while (done < n) {
        uint32_t want = uint32_t(kstd::min(n - done, most));
        Writer t(Tread, 0, kHeader + 16);
        t.u32(fid).u64(offset + done).u32(want);
        auto r = client().call(t, kReadHeader + want);
        if (r.is_error()) {
            if (done)
                break;
            return r.error();
        }
        Reader& reader = r.value().reader;
        uint32_t count = reader.u32();
        const uint8_t* data = reader.bytes(count);
        if (!data || count > want)
            return err(EIO);
        if (count == 0)
            break;
        if (auto copied = buf.write_from(done, data, count); copied.is_error()) {
            done += copy_out_prefix(buf, done, data, count);
            if (done)
                break;
            return copied.error();
        }
        done += count;
        if (count < want)
            break; // the end of the file
    }
    return done;
}

ErrorOr<size_t> NinepNode::write(uint64_t offset, IoBuffer buf, size_t n)
{
    if (is_directory())
        return err(EISDIR);
    if (!is_regular())
        return err(EINVAL);
    uint32_t fid = TRY(open_fid(true));
    size_t most = client().msize() - kWriteHeader;
    size_t done = 0;
    ErrorOr<void> failure {};
    while (done < n) {
        uint32_t want = uint32_t(kstd::min(n - done, most));
        Writer t(Twrite, 0, kWriteHeader + want);
        t.u32(fid).u64(offset + done).u32(want);
        uint8_t* data = t.reserve(want);
        if (!data) {
            failure = err(ENOMEM);
            break;
        }
        bool cut = false;
        if (auto copied = buf.read_into(data, done, want); copied.is_error()) {
            // Up to the bad page, then stop.
            failure = copied.error();
            size_t good = copy_in_prefix(buf, done, data, want);
            if (!good)
                break;
            want = uint32_t(good);
            t.shorten(kWriteHeader + good);
            t.patch_u32(kWriteHeader - 4, want);
            cut = true;
        }
        auto r = client().call(t, 64);
        if (r.is_error()) {
            failure = r.error();
            break;
        }
        uint32_t count = r.value().reader.u32();
        if (!r.value().reader.ok() || count > want) {
            failure = err(EIO);
            break;
        }
        done += count;
        if (count < want || cut)
            break;
    }
    (void)refresh(); // size, times and blocks as the server has them now
    if (!done && failure.is_error())
        return failure.error();
    return done;
}

ErrorOr<size_t> NinepNode::readlink(char* buf, size_t size)
{
    if (!is_symlink())
        return err(EINVAL);
    Writer t(Treadlink, 0, kHeader + 4);
    t.u32(m_fid);
    Reply r = TRY(client().call(t, kHeader + 2 + linux::PATH_MAX));
    StringView target = r.reader.string();
    if (!r.reader.ok())
        return err(EIO);
    size_t n = kstd::min(size, target.length());
    memcpy(buf, target.data(), n);
    return n;
}

ErrorOr<void> NinepNode::sync()
{
    if (m_open_fid == kNoFid || !fits(m_open_mode, true))
        return {};
    Writer t(Tfsync, 0, kHeader + 8);
    t.u32(m_open_fid).u32(0);
    TRY(client().call(t));
    return {};
}

ErrorOr<RefPtr<SharedMemory>> NinepNode::shared_pages()
{
    if (!is_regular())
        return err(ENODEV);
    // The page cache fills its own pages with read() and writes dirty ones
    // back with write(): coherent with this mount, not with the host's
    // changes to a file while it is mapped.
    return FileCache::of(*this);
}

ErrorOr<void> NinepNode::truncate(uint64_t size)
{
    Writer t(Tsetattr, 0, kHeader + 60);
    t.u32(m_fid).u32(SetSize).u32(0).u32(0).u32(0).u64(size).u64(0).u64(0).u64(0).u64(0);
    TRY(client().call(t));
    return refresh();
}

ErrorOr<void> NinepNode::write_metadata()
{
    // Only what differs from the server's values: a chown the caller did
    // not ask for would clear the set-ID bits.
    uint32_t valid = 0;
    if ((m_mode & 07777) != (m_server.mode & 07777))
        valid |= SetMode;
    if (m_uid != m_server.uid)
        valid |= SetUid;
    if (m_gid != m_server.gid)
        valid |= SetGid;
    if (!same(m_atime, m_server.atime_sec, m_server.atime_nsec))
        valid |= SetAtime | SetAtimeSet;
    if (!same(m_mtime, m_server.mtime_sec, m_server.mtime_nsec))
        valid |= SetMtime | SetMtimeSet;
    if (valid) {
        Writer t(Tsetattr, 0, kHeader + 60);
        t.u32(m_fid).u32(valid).u32(m_mode & 07777).u32(m_uid).u32(m_gid).u64(0);
        t.u64(uint64_t(m_atime.sec)).u64(uint64_t(m_atime.nsec)).u64(uint64_t(m_mtime.sec)).u64(uint64_t(m_mtime.nsec));
        if (auto r = client().call(t); r.is_error()) {
            (void)refresh(); // back to what the server holds
            return r.error();
        }
    }
    return refresh(); // the server's ctime
}

} // namespace husk
