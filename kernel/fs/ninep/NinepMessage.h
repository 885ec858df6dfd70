// 9P2000.L messages (the protocol Linux's v9fs and QEMU's virtio-9p speak):
// numbers, and the encoding and decoding of messages, apart from any
// transport so that tests drive them directly. Every field is little
// endian; a string is a 16-bit length and its bytes; a message is
// size[4] type[1] tag[2] and its fields.
#pragma once

#include "../../kstd/ErrorOr.h"
#include "../../kstd/StringView.h"
#include "../../kstd/Types.h"

namespace husk::ninep {

// T-message numbers; each R-message is its T-message's number plus one.
enum Type : uint8_t {
    Rlerror = 7,
    Tstatfs = 8,
    Tlopen = 12,
    Tlcreate = 14,
    Tsymlink = 16,
    Tmknod = 18,
    Treadlink = 22,
    Tgetattr = 24,
    Tsetattr = 26,
    Treaddir = 40,
    Tfsync = 50,
    Tlink = 70,
    Tmkdir = 72,
    Trenameat = 74,
    Tunlinkat = 76,
    Tversion = 100,
    Tattach = 104,
    Twalk = 110,
    Tread = 116,
    Twrite = 118,
    Tclunk = 120,
};

constexpr uint16_t kNoTag = 0xffff;
constexpr uint32_t kNoFid = 0xffffffff;
constexpr size_t kHeader = 7;      // size[4] type[1] tag[2]
constexpr size_t kMaxWalk = 16;    // names in one Twalk
constexpr size_t kReadHeader = 11; // Rread: header, count[4]
constexpr size_t kWriteHeader = 23; // Twrite: header, fid[4] offset[8] count[4]
constexpr size_t kReaddirHeader = 11;
constexpr const char* kVersion = "9P2000.L";

// Tgetattr's request_mask / Rgetattr's valid.
constexpr uint64_t kGetattrBasic = 0x7ff; // mode, nlink, uid, gid, rdev, times, ino, size, blocks
// Tsetattr's valid.
enum SetattrValid : uint32_t {
    SetMode = 1, SetUid = 2, SetGid = 4, SetSize = 8, SetAtime = 16, SetMtime = 32, SetCtime = 64,
    SetAtimeSet = 128, SetMtimeSet = 256,
};

struct Qid {
    uint8_t type { 0 };
    uint32_t version { 0 };
    uint64_t path { 0 };
    static constexpr uint8_t kDirectory = 0x80, kSymlink = 0x02;
};

struct Attr {
    uint64_t valid { 0 };
    Qid qid;
    uint32_t mode { 0 }, uid { 0 }, gid { 0 };
    uint64_t nlink { 0 }, rdev { 0 }, size { 0 }, blksize { 0 }, blocks { 0 };
    uint64_t atime_sec { 0 }, atime_nsec { 0 }, mtime_sec { 0 }, mtime_nsec { 0 }, ctime_sec { 0 }, ctime_nsec { 0 };
};

struct SetAttr {
    uint32_t valid { 0 };
    uint32_t mode { 0 }, uid { 0 }, gid { 0 };
    uint64_t size { 0 };
    uint64_t atime_sec { 0 }, atime_nsec { 0 }, mtime_sec { 0 }, mtime_nsec { 0 };
};

struct StatFs {
    uint32_t type { 0 }, bsize { 0 };
    uint64_t blocks { 0 }, bfree { 0 }, bavail { 0 }, files { 0 }, ffree { 0 }, fsid { 0 };
    uint32_t namelen { 0 };
};

struct DirEntry {
    Qid qid;
    uint64_t offset { 0 }; // where the next Treaddir resumes
    uint8_t type { 0 };    // DT_*
    kstd::StringView name;
};

// A T-message being built in a buffer of the kernel heap, sized at the
// start (Twrite's data included). Overflowing the buffer is the caller's
// bug: the message is then marked bad and finish() fails.
class Writer {
public:
    Writer(uint8_t type, uint16_t tag, size_t capacity);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    bool ok() const { return m_data && !m_overflow; }
    Writer& u8(uint8_t v);
    Writer& u16(uint16_t v);
    Writer& u32(uint32_t v);
    Writer& u64(uint64_t v);
    Writer& string(kstd::StringView s);
    Writer& qid(const Qid& q);
    // Room for n bytes the caller fills (Twrite's data); null on overflow.
    uint8_t* reserve(size_t n);
    // Drops what lies past size bytes (a Twrite whose data was cut short),
    // and rewrites a 32-bit field at offset (its count).
    void shorten(size_t size)
    {
        if (size < m_size)
            m_size = size;
    }
    void patch_u32(size_t offset, uint32_t v);
    // Stores the size field: the message is complete. EINVAL if it overflowed
    // (or a string was longer than 65535), ENOMEM if the buffer was not had.
    kstd::ErrorOr<void> finish();

    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }
    uint16_t tag() const { return m_tag; }
    void set_tag(uint16_t tag);

private:
    uint8_t* m_data { nullptr };
    size_t m_size { 0 };
    size_t m_capacity { 0 };
    uint16_t m_tag;
    bool m_overflow { false };
};

// Reads an R-message's fields after its header. A read past the end sets
// the reader bad and yields zeros; callers check ok() once at the end.
class Reader {
public:
    Reader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    bool ok() const { return !m_bad; }
    size_t left() const { return m_bad ? 0 : m_size - m_at; }
    uint8_t u8();
    uint16_t u16();
    uint32_t u32();
    uint64_t u64();
    kstd::StringView string();
    Qid qid();
    const uint8_t* bytes(size_t n); // null (and bad) past the end

private:
    bool take(size_t n);
    const uint8_t* m_data;
    size_t m_size;
    size_t m_at { 0 };
    bool m_bad { false };
};

// Checks a reply's header against the request (its size field, the
// expected R-type, the tag) and positions a reader after it. Rlerror
// becomes its Linux errno; anything malformed is EIO.
kstd::ErrorOr<Reader> open_reply(const uint8_t* data, size_t length, uint8_t request_type, uint16_t tag);

// The composite replies.
Attr read_attr(Reader& r);      // Rgetattr's body
StatFs read_statfs(Reader& r);  // Rstatfs's body
// Rreaddir's entries: each in turn (true), or false at the end or on a
// malformed entry (then r is bad).
bool next_dir_entry(Reader& r, DirEntry& out);

} // namespace husk::ninep
