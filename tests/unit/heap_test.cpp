// The kernel allocator: pages, size classes, statistics, exhaustion.
#include "Boot.h"
#include <algorithm>
#include <vector>
#include "core/Heap.h"
#include "kstd/Memory.h"

using husk::Heap;

TEST(Heap, SmallAllocationsAreCountedAndReused)
{
    boot_kernel();
    auto before = Heap::stats();
    std::vector<void*> ptrs;
    for (int i = 0; i < 1000; ++i) {
        void* p = kstd::kmalloc(size_t(1 + i % 2000));
        ASSERT_NE(p, nullptr);
        memset(p, 0xab, size_t(1 + i % 2000));
        ptrs.push_back(p);
    }
    auto during = Heap::stats();
    EXPECT_EQ(during.allocations - before.allocations, 1000u);
    EXPECT_GT(during.heap_bytes_in_use, before.heap_bytes_in_use);
    for (void* p : ptrs)
        kstd::kfree(p);
    auto after = Heap::stats();
    EXPECT_EQ(after.heap_bytes_in_use, before.heap_bytes_in_use);
    EXPECT_EQ(after.frees - before.frees, 1000u);
}

TEST(Heap, LargeAllocationsUseWholePagesAndReturnThem)
{
    boot_kernel();
    auto before = Heap::stats();
    void* big = kstd::kmalloc(100000);
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(big) % husk::kPageSize, 0u);
    EXPECT_EQ(before.free_pages - Heap::stats().free_pages, 25u);
    kstd::kfree(big);
    EXPECT_EQ(Heap::stats().free_pages, before.free_pages);
}

TEST(Heap, PagesComeZeroed)
{
    boot_kernel();
    auto* p = static_cast<unsigned char*>(Heap::allocate_pages(3));
    ASSERT_NE(p, nullptr);
    memset(p, 0xff, 3 * husk::kPageSize);
    Heap::free_pages(p, 3);
    auto* q = static_cast<unsigned char*>(Heap::allocate_pages(3));
    ASSERT_NE(q, nullptr);
    for (size_t i = 0; i < 3 * husk::kPageSize; ++i)
        ASSERT_EQ(q[i], 0) << "byte " << i;
    Heap::free_pages(q, 3);
}

TEST(Heap, ExhaustionReturnsNullAndRecovers)
{
    boot_kernel();
    auto before = Heap::stats();
    std::vector<void*> chunks;
    while (void* p = Heap::allocate_pages(64))
        chunks.push_back(p);
    EXPECT_EQ(kstd::kmalloc(1 << 20), nullptr);
    EXPECT_GT(Heap::stats().failed_allocations, before.failed_allocations);
    for (void* p : chunks)
        Heap::free_pages(p, 64);
    EXPECT_EQ(Heap::stats().free_pages, before.free_pages);
    void* again = kstd::kmalloc(1 << 20);
    EXPECT_NE(again, nullptr);
    kstd::kfree(again);
}

TEST(Heap, DoubleFreePanics)
{
    boot_kernel();
    EXPECT_EXIT(
        {
            void* p = Heap::allocate_pages(1);
            Heap::free_pages(p, 1);
            Heap::free_pages(p, 1);
        },
        testing::ExitedWithCode(125), "PANIC: free_pages: page .* freed twice");
}

TEST(Heap, FindsFreePagesPastLongUsedStretches)
{
    boot_kernel();
    auto before = Heap::stats();
    // Thousands of pages in use (a process's memory), two freed far apart:
    // the search skips the full chunks between them and finds each.
    std::vector<void*> pages;
    for (int i = 0; i < 3000; ++i) {
        void* p = Heap::allocate_pages(1);
        ASSERT_NE(p, nullptr);
        pages.push_back(p);
    }
    void* low = std::min(pages[100], pages[2500]);
    void* high = std::max(pages[100], pages[2500]);
    Heap::free_pages(pages[100], 1);
    Heap::free_pages(pages[2500], 1);
    void* first = Heap::allocate_pages(1);
    void* second = Heap::allocate_pages(1);
    EXPECT_EQ(first, low);
    EXPECT_EQ(second, high);
    // A run longer than a chunk spans chunk boundaries.
    void* run = Heap::allocate_pages(1500);
    ASSERT_NE(run, nullptr);
    memset(run, 0x5a, 1500 * husk::kPageSize);
    Heap::free_pages(run, 1500);
    for (void* p : pages)
        Heap::free_pages(p, 1);
    EXPECT_EQ(Heap::stats().free_pages, before.free_pages);
}
