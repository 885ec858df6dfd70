// ninep::Writer/Reader and the reply checks: 9P2000.L's wire format
// (little endian, size[4] type[1] tag[2], strings with a 16-bit length).
#include <gtest/gtest.h>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>
#include "Boot.h"
#include "fs/ninep/NinepMessage.h"

using namespace husk::ninep;

namespace {
std::vector<uint8_t> bytes(const Writer& w) { return std::vector<uint8_t>(w.data(), w.data() + w.size()); }

// An R-message as a server would send it: header then body.
std::vector<uint8_t> reply(uint8_t type, uint16_t tag, const std::vector<uint8_t>& body)
{
    uint32_t size = uint32_t(7 + body.size());
    std::vector<uint8_t> m = { uint8_t(size), uint8_t(size >> 8), uint8_t(size >> 16), uint8_t(size >> 24), type,
                               uint8_t(tag), uint8_t(tag >> 8) };
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

void put32(std::vector<uint8_t>& v, uint32_t x) { for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i))); }
void put64(std::vector<uint8_t>& v, uint64_t x) { for (int i = 0; i < 8; ++i) v.push_back(uint8_t(x >> (8 * i))); }
void putqid(std::vector<uint8_t>& v, uint8_t type, uint32_t version, uint64_t path)
{
    v.push_back(type);
    put32(v, version);
    put64(v, path);
}
void putstr(std::vector<uint8_t>& v, const std::string& s)
{
    v.push_back(uint8_t(s.size()));
    v.push_back(uint8_t(s.size() >> 8));
    v.insert(v.end(), s.begin(), s.end());
}
} // namespace

TEST(Ninep, TversionIsLinuxsBytes)
{
    boot_kernel();
    Writer t(Tversion, kNoTag, 64);
    t.u32(8192).string(kVersion);
    ASSERT_FALSE(t.finish().is_error());
    // What Linux's v9fs sends for msize 8192: size 21, type 100, tag NOTAG.
    std::vector<uint8_t> want = { 21, 0, 0, 0, 100, 0xff, 0xff, 0x00, 0x20, 0, 0, 8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L' };
    EXPECT_EQ(bytes(t), want);
}

TEST(Ninep, SetTagRewritesTheHeader)
{
    boot_kernel();
    Writer t(Tclunk, 0, 11);
    t.u32(7);
    t.set_tag(0x1234);
    ASSERT_FALSE(t.finish().is_error());
    std::vector<uint8_t> want = { 11, 0, 0, 0, 120, 0x34, 0x12, 7, 0, 0, 0 };
    EXPECT_EQ(bytes(t), want);
}

TEST(Ninep, OverflowFailsFinish)
{
    boot_kernel();
    Writer t(Twalk, 0, 12);
    t.u32(1).u32(2).u16(1).string("too long for the buffer");
    EXPECT_FALSE(t.ok());
    EXPECT_EQ(t.finish().error().code(), EINVAL);
}

TEST(Ninep, TwriteReservesItsData)
{
    boot_kernel();
    Writer t(Twrite, 3, kWriteHeader + 5);
    t.u32(9).u64(0x100000000ull).u32(5);
    uint8_t* data = t.reserve(5);
    ASSERT_NE(data, nullptr);
    std::memcpy(data, "hello", 5);
    ASSERT_FALSE(t.finish().is_error());
    ASSERT_EQ(t.size(), kWriteHeader + 5);
    EXPECT_EQ(t.data()[0], kWriteHeader + 5);
    EXPECT_EQ(t.data()[4], Twrite);
    EXPECT_EQ(t.data()[15], 1); // the offset's fifth byte: 2^32
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(t.data() + kWriteHeader), 5), "hello");
    EXPECT_EQ(t.reserve(1), nullptr); // full
}

TEST(Ninep, RlerrorIsItsErrno)
{
    boot_kernel();
    std::vector<uint8_t> body;
    put32(body, 2); // ENOENT
    auto m = reply(Rlerror, 5, body);
    auto r = open_reply(m.data(), m.size(), Twalk, 5);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), ENOENT);
    body.clear();
    put32(body, 0); // no errno at all: the server is confused
    m = reply(Rlerror, 5, body);
    EXPECT_EQ(open_reply(m.data(), m.size(), Twalk, 5).error().code(), EIO);
}

TEST(Ninep, WrongTypeTagOrSizeIsEio)
{
    boot_kernel();
    std::vector<uint8_t> body = { 0, 0 };
    auto m = reply(Twalk + 1, 5, body);
    EXPECT_FALSE(open_reply(m.data(), m.size(), Twalk, 5).is_error());
    EXPECT_EQ(open_reply(m.data(), m.size(), Tread, 5).error().code(), EIO);   // another reply type
    EXPECT_EQ(open_reply(m.data(), m.size(), Twalk, 6).error().code(), EIO);   // another tag
    EXPECT_EQ(open_reply(m.data(), m.size() - 1, Twalk, 5).error().code(), EIO); // shorter than its size field
    EXPECT_EQ(open_reply(m.data(), 3, Twalk, 5).error().code(), EIO);          // not even a header
}

TEST(Ninep, ReaderStopsAtTheEnd)
{
    boot_kernel();
    std::vector<uint8_t> body;
    putstr(body, "name");
    auto m = reply(Treadlink + 1, 1, body);
    auto r = open_reply(m.data(), m.size(), Treadlink, 1);
    ASSERT_FALSE(r.is_error());
    Reader reader = r.value();
    kstd::StringView s = reader.string();
    EXPECT_EQ(std::string(s.data(), s.length()), "name");
    EXPECT_TRUE(reader.ok());
    EXPECT_EQ(reader.u32(), 0u); // past the end: zero, and the reader is bad
    EXPECT_FALSE(reader.ok());
    // A string longer than what is left.
    std::vector<uint8_t> cut = { 10, 0, 'a', 'b' };
    Reader short_string(cut.data(), cut.size());
    EXPECT_TRUE(short_string.string().is_empty());
    EXPECT_FALSE(short_string.ok());
}

TEST(Ninep, RgetattrFields)
{
    boot_kernel();
    std::vector<uint8_t> body;
    put64(body, kGetattrBasic);
    putqid(body, Qid::kDirectory, 3, 0x1122334455ull);
    put32(body, 040755);
    put32(body, 1000);
    put32(body, 100);
    for (uint64_t v : { 2ull, 0ull, 4096ull, 4096ull, 8ull, 11ull, 12ull, 21ull, 22ull, 31ull, 32ull, 0ull, 0ull, 0ull, 0ull, 0ull })
        put64(body, v);
    auto m = reply(Tgetattr + 1, 9, body);
    auto r = open_reply(m.data(), m.size(), Tgetattr, 9);
    ASSERT_FALSE(r.is_error());
    Reader reader = r.value();
    Attr a = read_attr(reader);
    EXPECT_TRUE(reader.ok());
    EXPECT_EQ(a.qid.type, Qid::kDirectory);
    EXPECT_EQ(a.qid.path, 0x1122334455ull);
    EXPECT_EQ(a.mode, 040755u);
    EXPECT_EQ(a.uid, 1000u);
    EXPECT_EQ(a.gid, 100u);
    EXPECT_EQ(a.nlink, 2u);
    EXPECT_EQ(a.size, 4096u);
    EXPECT_EQ(a.blocks, 8u);
    EXPECT_EQ(a.atime_sec, 11u);
    EXPECT_EQ(a.mtime_nsec, 22u);
    EXPECT_EQ(a.ctime_sec, 31u);
}

TEST(Ninep, RreaddirEntries)
{
    boot_kernel();
    std::vector<uint8_t> entries;
    putqid(entries, Qid::kDirectory, 0, 2);
    put64(entries, 1);
    entries.push_back(4); // DT_DIR
    putstr(entries, ".");
    putqid(entries, 0, 0, 77);
    put64(entries, 0x7fffffff);
    entries.push_back(8); // DT_REG
    putstr(entries, "file.txt");
    Reader r(entries.data(), entries.size());
    DirEntry e;
    ASSERT_TRUE(next_dir_entry(r, e));
    EXPECT_EQ(std::string(e.name.data(), e.name.length()), ".");
    EXPECT_EQ(e.offset, 1u);
    ASSERT_TRUE(next_dir_entry(r, e));
    EXPECT_EQ(std::string(e.name.data(), e.name.length()), "file.txt");
    EXPECT_EQ(e.qid.path, 77u);
    EXPECT_EQ(e.type, 8);
    EXPECT_EQ(e.offset, 0x7fffffffu);
    EXPECT_FALSE(next_dir_entry(r, e)); // the end
    EXPECT_TRUE(r.ok());
    // An entry cut short is malformed, not the end.
    Reader cut(entries.data(), entries.size() - 3);
    ASSERT_TRUE(next_dir_entry(cut, e));
    EXPECT_FALSE(next_dir_entry(cut, e));
    EXPECT_FALSE(cut.ok());
}

TEST(Ninep, RstatfsFields)
{
    boot_kernel();
    std::vector<uint8_t> body;
    put32(body, 0xef53);
    put32(body, 4096);
    for (uint64_t v : { 1000ull, 400ull, 350ull, 64ull, 60ull, 0xabcdull })
        put64(body, v);
    put32(body, 255);
    Reader r(body.data(), body.size());
    StatFs s = read_statfs(r);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(s.bsize, 4096u);
    EXPECT_EQ(s.blocks, 1000u);
    EXPECT_EQ(s.bavail, 350u);
    EXPECT_EQ(s.ffree, 60u);
    EXPECT_EQ(s.namelen, 255u);
}
