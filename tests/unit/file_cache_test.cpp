// The page cache of mapped files (kernel/vfs/FileCache) over a file system
// of its own: pages filled from the file, dirty pages laid over read(2)
// and written back, write(2) landing in cached pages, truncation dropping
// pages and zeroing a tail, the cache gone with its last reference.
// (Kernel headers first: the host's <sys/stat.h> macros would clash with
// the kernel's Linux ABI constants of the same names.)
#include "vfs/FileCache.h"
#include "vfs/FileSystem.h"
#include "vfs/VnodeFile.h"
#include "core/Heap.h"
#include "mm/PageRefs.h"
#include "Boot.h"
#include <cstring>
#include <vector>

namespace {

constexpr size_t kPage = 4096;

class TestFs final : public husk::FileSystem {
public:
    const char* type_name() const override { return "test"; }
};

// A regular file whose data is a host vector; counts the file system's
// reads and writes.
class MemVnode final : public husk::Vnode {
public:
    MemVnode(husk::FileSystem& fs, size_t size, char fill) : Vnode(fs, 7, 0100644), data(size, fill) { m_size = size; }

    kstd::ErrorOr<size_t> read(uint64_t offset, husk::IoBuffer buf, size_t n) override
    {
        ++reads;
        if (fail_reads)
            return kstd::err(5); // EIO (the host's errno.h defines the name)
        if (shrink_on_read) // the file truncated while the read sleeps
            shrink_on_read->set_end(0);
        if (offset >= data.size())
            return size_t(0);
        n = std::min<size_t>(n, data.size() - offset);
        TRY(buf.write_from(0, data.data() + offset, n));
        return n;
    }
    kstd::ErrorOr<size_t> write(uint64_t offset, husk::IoBuffer buf, size_t n) override
    {
        ++writes;
        if (offset + n > data.size())
            data.resize(offset + n, 0);
        TRY(buf.read_into(data.data() + offset, 0, n));
        m_size = data.size();
        return n;
    }
    kstd::ErrorOr<kstd::RefPtr<husk::SharedMemory>> shared_pages() override { return husk::FileCache::of(*this); }

    std::vector<char> data;
    int reads { 0 }, writes { 0 };
    bool fail_reads { false };
    husk::SharedMemory* shrink_on_read { nullptr };

private:
    kstd::ErrorOr<void> truncate(uint64_t size) override
    {
        data.resize(size, 0);
        m_size = size;
        return {};
    }
};

struct Fixture {
    TestFs* fs = nullptr;
    kstd::RefPtr<MemVnode> file;
    kstd::RefPtr<husk::VnodeFile> open;
    Fixture(size_t size, char fill)
    {
        boot_kernel(); // the kernel's heap, first
        fs = new TestFs();
        file = kstd::adopt_new<MemVnode>(*fs, size, fill);
        open = kstd::adopt_new<husk::VnodeFile>(kstd::RefPtr<husk::Vnode>(file.ptr()), husk::linux::O_RDWR);
    }
    ~Fixture()
    {
        open = nullptr;
        file = nullptr;
        delete fs;
    }
    std::string pread(uint64_t at, size_t n)
    {
        std::string s(n, '\0');
        auto r = open->pread(husk::IoBuffer::kernel(s.data()), n, at);
        return r.is_error() ? "error" : s.substr(0, r.value());
    }
    void pwrite(uint64_t at, const char* text) { ASSERT_FALSE(open->pwrite(husk::IoBuffer::kernel(const_cast<char*>(text)), strlen(text), at).is_error()); }
};

char* page_of(husk::SharedMemory& cache, size_t index)
{
    auto page = cache.page(index);
    return page.is_error() ? nullptr : static_cast<char*>(page.value());
}

} // namespace

TEST(FileCache, OneCachePerFileFilledFromIt)
{
    Fixture f(2 * kPage + 100, 'a');
    auto cache = f.file->shared_pages().release_value();
    EXPECT_EQ(f.file->shared_pages().release_value().ptr(), cache.ptr());
    EXPECT_EQ(f.file->page_cache(), static_cast<husk::FileCache*>(cache.ptr()));
    EXPECT_EQ(cache->end_page(), 3u);
    EXPECT_TRUE(cache->tracks_writes());
    char* last = page_of(*cache, 2);
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last[99], 'a');
    EXPECT_EQ(last[100], 0); // past the end of the file: zeros
    EXPECT_EQ(f.fs->open_files(), 2u); // the descriptor and the cache
    cache = nullptr;
    EXPECT_EQ(f.file->page_cache(), nullptr);
    EXPECT_EQ(f.fs->open_files(), 1u);
}

TEST(FileCache, AFailedLoadSaysWhy)
{
    // A fault tells these apart: ENOMEM is the OOM killer's, EIO (a disk
    // error) and EFAULT (past the end once read) are SIGBUS.
    Fixture f(3 * kPage, 'a');
    auto cache = f.file->shared_pages().release_value();
    f.file->fail_reads = true;
    auto failed = cache->page(0);
    ASSERT_TRUE(failed.is_error());
    EXPECT_EQ(failed.error().code(), 5) << "EIO";
    EXPECT_EQ(cache->find(0), nullptr);
    f.file->fail_reads = false;
    f.file->shrink_on_read = cache.ptr();
    auto beyond = cache->page(2);
    ASSERT_TRUE(beyond.is_error());
    EXPECT_EQ(beyond.error().code(), 14) << "EFAULT";
    EXPECT_EQ(cache->find(2), nullptr) << "a page past the end is not kept";
    EXPECT_EQ(cache->page_count(), 0u);
}

TEST(FileCache, DirtyPagesShowInReadsAndAreWrittenBack)
{
    Fixture f(2 * kPage, 'a');
    auto cache = f.file->shared_pages().release_value();
    char* p = page_of(*cache, 1);
    memcpy(p + 10, "dirty", 5);
    EXPECT_EQ(f.pread(kPage + 8, 9), "aaaaaaaaa") << "a clean page is the file's (a mapping's store faults first)";
    cache->mark_dirty(1);
    EXPECT_EQ(f.pread(kPage + 8, 9), "aadirtyaa");
    EXPECT_EQ(std::string(f.file->data.data() + kPage + 10, 5), "aaaaa");
    int writes = f.file->writes;
    ASSERT_FALSE(cache->write_back().is_error());
    EXPECT_EQ(f.file->writes, writes + 1);
    EXPECT_EQ(std::string(f.file->data.data() + kPage + 10, 5), "dirty");
    EXPECT_FALSE(cache->dirty(1));
    ASSERT_FALSE(cache->write_back().is_error());
    EXPECT_EQ(f.file->writes, writes + 1) << "nothing dirty: nothing written";
}

TEST(FileCache, WritesLandInCachedPages)
{
    Fixture f(kPage, 'a');
    auto cache = f.file->shared_pages().release_value();
    char* p = page_of(*cache, 0);
    f.pwrite(kPage - 2, "xyz"); // across the end: the file grows
    EXPECT_EQ(std::string(p + kPage - 2, 2), "xy");
    EXPECT_EQ(cache->end_page(), 2u);
    EXPECT_EQ(f.pread(kPage - 2, 3), "xyz");
    EXPECT_EQ(cache->find(1), nullptr) << "an uncached page is not made by a write";
}

TEST(FileCache, TruncationDropsPagesAndZeroesTheTail)
{
    Fixture f(3 * kPage, 'a');
    auto cache = f.file->shared_pages().release_value();
    char* first = page_of(*cache, 0);
    ASSERT_NE(page_of(*cache, 2), nullptr);
    cache->mark_dirty(2);
    husk::AttrChange change;
    change.mask = husk::AttrChange::Size;
    change.size = 100;
    ASSERT_FALSE(f.file->setattr(change).is_error());
    EXPECT_EQ(cache->end_page(), 1u);
    EXPECT_EQ(cache->find(2), nullptr);
    EXPECT_FALSE(cache->dirty(2));
    EXPECT_EQ(first[99], 'a');
    EXPECT_EQ(first[100], 0);
    int writes = f.file->writes;
    ASSERT_FALSE(cache->write_back().is_error());
    EXPECT_EQ(f.file->writes, writes) << "the dropped dirty page is not written";
}

namespace {

// A file whose pages live in kernel pages it lends to the cache (as ext2's
// 4 KiB block buffers): counts the pins alive and the pages marked dirty.
class PinningVnode final : public husk::Vnode {
public:
    PinningVnode(husk::FileSystem& fs, size_t pages) : Vnode(fs, 9, 0100644)
    {
        for (size_t i = 0; i < pages; ++i) {
            auto* p = static_cast<char*>(husk::Heap::allocate_pages(1));
            memset(p, 'a' + int(i), kPage);
            page_data.push_back(p);
        }
        m_size = pages * kPage;
    }
    ~PinningVnode() override
    {
        for (char* p : page_data)
            husk::PageRefs::release(p);
    }

    struct Pin final : husk::PagePin {
        PinningVnode* file;
        char* data;
        Pin(PinningVnode* f, char* d) : file(f), data(d) { ++file->pins; }
        ~Pin() override { --file->pins; }
        void* page() const override { return data; }
        void mark_dirty() override { ++file->marked_dirty; }
    };

    kstd::ErrorOr<kstd::RefPtr<husk::PagePin>> pin_page(uint64_t index) override
    {
        if (index >= page_data.size())
            return kstd::RefPtr<husk::PagePin>();
        auto pin = kstd::adopt_new<Pin>(this, page_data[index]);
        return kstd::RefPtr<husk::PagePin>(pin.ptr());
    }
    kstd::ErrorOr<size_t> read(uint64_t offset, husk::IoBuffer buf, size_t n) override
    {
        if (offset >= m_size)
            return size_t(0);
        n = std::min<size_t>(n, size_t(m_size - offset));
        for (size_t done = 0; done < n;) {
            size_t at = size_t(offset) + done, chunk = std::min(n - done, kPage - at % kPage);
            TRY(buf.write_from(done, page_data[at / kPage] + at % kPage, chunk));
            done += chunk;
        }
        return n;
    }
    kstd::ErrorOr<size_t> write(uint64_t offset, husk::IoBuffer buf, size_t n) override
    {
        ++writes;
        for (size_t done = 0; done < n;) {
            size_t at = size_t(offset) + done, chunk = std::min(n - done, kPage - at % kPage);
            TRY(buf.read_into(page_data[at / kPage] + at % kPage, done, chunk));
            done += chunk;
        }
        return n;
    }
    kstd::ErrorOr<kstd::RefPtr<husk::SharedMemory>> shared_pages() override { return husk::FileCache::of(*this); }

    std::vector<char*> page_data;
    int pins { 0 }, marked_dirty { 0 }, writes { 0 }, pins_at_truncate { -1 };

private:
    kstd::ErrorOr<void> truncate(uint64_t size) override
    {
        pins_at_truncate = pins;
        m_size = size;
        return {};
    }
};

} // namespace

TEST(FileCache, LentPagesAreOneCopy)
{
    boot_kernel();
    auto* fs = new TestFs();
    {
        auto file = kstd::adopt_new<PinningVnode>(*fs, 3);
        auto open = kstd::adopt_new<husk::VnodeFile>(kstd::RefPtr<husk::Vnode>(file.ptr()), husk::linux::O_RDWR);
        auto cache = file->shared_pages().release_value();
        EXPECT_EQ(page_of(*cache, 1), file->page_data[1]) << "the cache maps the file system's page";
        EXPECT_EQ(file->pins, 1);
        // A store through a mapping is what read(2) sees at once.
        file->page_data[1][5] = 'S';
        char c = 0;
        ASSERT_FALSE(open->pread(husk::IoBuffer::kernel(&c), 1, kPage + 5).is_error());
        EXPECT_EQ(c, 'S');
        // Written back: the page is marked dirty, not copied by a write.
        cache->mark_dirty(1);
        ASSERT_FALSE(cache->write_back().is_error());
        EXPECT_EQ(file->marked_dirty, 1);
        EXPECT_EQ(file->writes, 0);
        // A truncation lets go of the pages past the end first.
        ASSERT_NE(page_of(*cache, 2), nullptr);
        EXPECT_EQ(file->pins, 2);
        husk::AttrChange change;
        change.mask = husk::AttrChange::Size;
        change.size = kPage + 100;
        ASSERT_FALSE(file->setattr(change).is_error());
        EXPECT_EQ(file->pins_at_truncate, 1) << "page 2's pin went before the file system truncated";
        EXPECT_EQ(file->page_data[1][100], 0) << "the last page's tail is zeroed";
        EXPECT_EQ(file->marked_dirty, 2) << "and its block dirtied";
        cache = nullptr;
        EXPECT_EQ(file->pins, 0);
    }
    delete fs;
}
