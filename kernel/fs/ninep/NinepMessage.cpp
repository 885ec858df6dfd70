#include "NinepMessage.h"
#include "../../kstd/Memory.h"

namespace husk::ninep {

using namespace kstd::errno_values;

Writer::Writer(uint8_t type, uint16_t tag, size_t capacity) : m_tag(tag)
{
    m_data = static_cast<uint8_t*>(kstd::kmalloc(capacity < kHeader ? kHeader : capacity));
    if (!m_data)
        return;
    m_capacity = capacity < kHeader ? kHeader : capacity;
    u32(0).u8(type).u16(tag);
}

Writer::~Writer() { kstd::kfree(m_data); }

uint8_t* Writer::reserve(size_t n)
{
    if (!m_data || m_overflow || n > m_capacity - m_size) {
        m_overflow = true;
        return nullptr;
    }
    uint8_t* p = m_data + m_size;
    m_size += n;
    return p;
}

Writer& Writer::u8(uint8_t v)
{
    if (uint8_t* p = reserve(1))
        p[0] = v;
    return *this;
}

Writer& Writer::u16(uint16_t v)
{
    if (uint8_t* p = reserve(2))
        for (int i = 0; i < 2; ++i)
            p[i] = uint8_t(v >> (8 * i));
    return *this;
}

Writer& Writer::u32(uint32_t v)
{
    if (uint8_t* p = reserve(4))
        for (int i = 0; i < 4; ++i)
            p[i] = uint8_t(v >> (8 * i));
    return *this;
}

Writer& Writer::u64(uint64_t v)
{
    if (uint8_t* p = reserve(8))
        for (int i = 0; i < 8; ++i)
            p[i] = uint8_t(v >> (8 * i));
    return *this;
}

Writer& Writer::string(kstd::StringView s)
{
    if (s.length() > 0xffff) {
        m_overflow = true;
        return *this;
    }
    u16(uint16_t(s.length()));
    if (uint8_t* p = reserve(s.length()))
        memcpy(p, s.data(), s.length());
    return *this;
}

Writer& Writer::qid(const Qid& q) { return u8(q.type).u32(q.version).u64(q.path); }

void Writer::patch_u32(size_t offset, uint32_t v)
{
    if (m_data && offset + 4 <= m_size)
        for (int i = 0; i < 4; ++i)
            m_data[offset + size_t(i)] = uint8_t(v >> (8 * i));
}

void Writer::set_tag(uint16_t tag)
{
    m_tag = tag;
    if (m_data && m_size >= kHeader) {
        m_data[5] = uint8_t(tag);
        m_data[6] = uint8_t(tag >> 8);
    }
}

kstd::ErrorOr<void> Writer::finish()
{
    if (!m_data)
        return err(ENOMEM);
    if (m_overflow)
        return err(EINVAL);
    for (int i = 0; i < 4; ++i)
        m_data[i] = uint8_t(m_size >> (8 * i));
    return {};
}

bool Reader::take(size_t n)
{
    if (m_bad || n > m_size - m_at) {
        m_bad = true;
        return false;
    }
    return true;
}

uint8_t Reader::u8()
{
    if (!take(1))
        return 0;
    return m_data[m_at++];
}

uint16_t Reader::u16()
{
    if (!take(2))
        return 0;
    uint16_t v = uint16_t(m_data[m_at] | m_data[m_at + 1] << 8);
    m_at += 2;
    return v;
}

uint32_t Reader::u32()
{
    if (!take(4))
        return 0;
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = v << 8 | m_data[m_at + size_t(i)];
    m_at += 4;
    return v;
}

uint64_t Reader::u64()
{
    uint64_t low = u32();
    return low | uint64_t(u32()) << 32;
}

const uint8_t* Reader::bytes(size_t n)
{
    if (!take(n))
        return nullptr;
    const uint8_t* p = m_data + m_at;
    m_at += n;
    return p;
}

kstd::StringView Reader::string()
{
    uint16_t n = u16();
    const uint8_t* p = bytes(n);
    return p ? kstd::StringView(reinterpret_cast<const char*>(p), n) : kstd::StringView();
}

Qid Reader::qid()
{
    Qid q;
    q.type = u8();
    q.version = u32();
    q.path = u64();
    return q;
}

kstd::ErrorOr<Reader> open_reply(const uint8_t* data, size_t length, uint8_t request_type, uint16_t tag)
{
    Reader r(data, length);
    uint32_t size = r.u32();
    uint8_t type = r.u8();
    uint16_t reply_tag = r.u16();
    if (!r.ok() || size < kHeader || size > length || reply_tag != tag)
        return err(EIO);
    Reader body(data + kHeader, size - kHeader);
    if (type == Rlerror) {
        uint32_t code = body.u32();
        // The server's errno is Linux's (9P2000.L); nonsense is an I/O error.
        if (!body.ok() || code == 0 || code >= 4096)
            return err(EIO);
        return err(int(code));
    }
    if (type != uint8_t(request_type + 1))
        return err(EIO);
    return body;
}

Attr read_attr(Reader& r)
{
    Attr a;
    a.valid = r.u64();
    a.qid = r.qid();
    a.mode = r.u32();
    a.uid = r.u32();
    a.gid = r.u32();
    a.nlink = r.u64();
    a.rdev = r.u64();
    a.size = r.u64();
    a.blksize = r.u64();
    a.blocks = r.u64();
    a.atime_sec = r.u64();
    a.atime_nsec = r.u64();
    a.mtime_sec = r.u64();
    a.mtime_nsec = r.u64();
    a.ctime_sec = r.u64();
    a.ctime_nsec = r.u64();
    // btime, gen, data_version follow: not used.
    return a;
}

StatFs read_statfs(Reader& r)
{
    StatFs s;
    s.type = r.u32();
    s.bsize = r.u32();
    s.blocks = r.u64();
    s.bfree = r.u64();
    s.bavail = r.u64();
    s.files = r.u64();
    s.ffree = r.u64();
    s.fsid = r.u64();
    s.namelen = r.u32();
    return s;
}

bool next_dir_entry(Reader& r, DirEntry& out)
{
    if (!r.ok() || r.left() == 0)
        return false;
    out.qid = r.qid();
    out.offset = r.u64();
    out.type = r.u8();
    out.name = r.string();
    return r.ok();
}

} // namespace husk::ninep
