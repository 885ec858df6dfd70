// kernel/mm's PageMap: the radix tree of an address space's pages, whose
// leaves fork shares; and PageRefs, the owners of pages in the frame table.
#include "Boot.h"
#include <vector>
#include "core/Heap.h"
#include "mm/PageMap.h"
#include "mm/PageRefs.h"

using husk::Heap;
using husk::PageMap;
using husk::PageRefs;

namespace {
constexpr uintptr_t kLeaf = PageMap::kLeafPages;

size_t free_pages() { return Heap::stats().free_pages; }

// A fresh page holding `tag` in its first word.
void* page_with(uintptr_t tag)
{
    auto* p = static_cast<uintptr_t*>(Heap::allocate_pages(1));
    *p = tag;
    return p;
}
uintptr_t tag_of(void* page) { return page ? *static_cast<uintptr_t*>(page) : 0; }
} // namespace

TEST(PageRefs, CountsOwnersInTheFrameTableAndFreesWithTheLast)
{
    boot_kernel();
    size_t before = free_pages();
    void* p = Heap::allocate_pages(1);
    EXPECT_EQ(PageRefs::owners(p), 1u);
    size_t shared = PageRefs::shared_pages();
    PageRefs::share(p);
    PageRefs::share(p);
    EXPECT_EQ(PageRefs::owners(p), 3u);
    EXPECT_EQ(PageRefs::shared_pages(), shared + 1);
    PageRefs::release(p);
    PageRefs::release(p);
    EXPECT_EQ(PageRefs::shared_pages(), shared);
    EXPECT_EQ(free_pages(), before - 1);
    PageRefs::release(p);
    EXPECT_EQ(free_pages(), before);
    // A page handed out again starts with one owner.
    void* q = Heap::allocate_pages(1);
    EXPECT_EQ(PageRefs::owners(q), 1u);
    PageRefs::release(q);
}

TEST(PageMap, SetGetDropAcrossLeavesAndLevels)
{
    boot_kernel();
    size_t before = free_pages();
    {
        PageMap map;
        // Numbers in different leaves, level-1 and level-2 nodes.
        const uintptr_t numbers[] = { 16, 17, kLeaf - 1, kLeaf, 5 * kLeaf + 3, (uintptr_t(1) << 27) + 9,
                                      (uintptr_t(1) << 35) - 1 };
        for (uintptr_t n : numbers)
            ASSERT_TRUE(map.set(n, page_with(n)));
        EXPECT_EQ(map.size(), 7u);
        for (uintptr_t n : numbers)
            EXPECT_EQ(tag_of(map.get(n)), n);
        EXPECT_EQ(map.get(18), nullptr);
        EXPECT_EQ(map.get(uintptr_t(1) << 30), nullptr);
        // Replacing a page releases the old one.
        size_t mid = free_pages();
        ASSERT_TRUE(map.set(16, page_with(1616)));
        EXPECT_EQ(free_pages(), mid);
        EXPECT_EQ(tag_of(map.get(16)), 1616u);

        std::vector<uintptr_t> seen;
        map.for_each(0, uintptr_t(1) << 35, [&](uintptr_t n, void* page) {
            EXPECT_EQ(map.get(n), page);
            seen.push_back(n);
        });
        EXPECT_EQ(seen, std::vector<uintptr_t>(std::begin(numbers), std::end(numbers)));

        // A drop across a leaf boundary, then one that empties a leaf.
        ASSERT_TRUE(map.drop(17, kLeaf + 1));
        EXPECT_EQ(map.size(), 4u);
        EXPECT_EQ(tag_of(map.get(16)), 1616u);
        EXPECT_EQ(map.get(17), nullptr);
        EXPECT_EQ(map.get(kLeaf), nullptr);
        ASSERT_TRUE(map.drop(0, 2 * kLeaf));
        EXPECT_EQ(map.size(), 3u);
        EXPECT_EQ(tag_of(map.get(5 * kLeaf + 3)), 5 * kLeaf + 3);
    }
    EXPECT_EQ(free_pages(), before); // pages, leaves and nodes
}

TEST(PageMap, ShareCopiesNoLeafUntilAChange)
{
    boot_kernel();
    size_t before = free_pages();
    size_t shared_before = PageRefs::shared_pages();
    {
        PageMap parent;
        for (uintptr_t n = 0; n < 4 * kLeaf; ++n)
            ASSERT_TRUE(parent.set(n, page_with(n)));
        size_t filled = free_pages();
        auto forked = parent.share();
        ASSERT_FALSE(forked.is_error());
        PageMap child = forked.release_value();
        // Only the upper levels are new: three nodes, no leaf, no page.
        EXPECT_EQ(filled - free_pages(), 3u);
        EXPECT_EQ(child.size(), parent.size());
        EXPECT_TRUE(child.shared(5));
        EXPECT_TRUE(parent.shared(5));
        for (uintptr_t n = 0; n < 4 * kLeaf; n += 97)
            EXPECT_EQ(child.get(n), parent.get(n));
        // The leaves are shared, not the pages: no page has a second owner.
        EXPECT_EQ(PageRefs::owners(parent.get(5)), 1u);

        // The child changes a page: its leaf is copied, its pages gain an
        // owner, the other leaves stay shared.
        void* old = parent.get(5);
        size_t at_fork = free_pages();
        ASSERT_TRUE(child.set(5, page_with(555)));
        EXPECT_EQ(at_fork - free_pages(), 2u); // the leaf's copy and the page
        EXPECT_EQ(tag_of(child.get(5)), 555u);
        EXPECT_EQ(parent.get(5), old);
        EXPECT_EQ(PageRefs::owners(old), 1u); // the parent's leaf alone now
        EXPECT_EQ(PageRefs::owners(parent.get(6)), 2u);
        EXPECT_TRUE(parent.shared(6)) << "the page is in both leaves";
        EXPECT_FALSE(parent.shared(5));
        EXPECT_TRUE(parent.shared(kLeaf + 1)) << "another leaf, still shared";

        // A drop of whole shared leaves copies nothing; one cutting a
        // shared leaf copies it first.
        size_t before_drop = free_pages();
        ASSERT_TRUE(child.drop(2 * kLeaf, 4 * kLeaf));
        EXPECT_EQ(free_pages(), before_drop);
        EXPECT_EQ(child.get(3 * kLeaf), nullptr);
        EXPECT_NE(parent.get(3 * kLeaf), nullptr);
        EXPECT_FALSE(parent.shared(3 * kLeaf));
        ASSERT_TRUE(child.drop(kLeaf + 10, kLeaf + 20));
        EXPECT_EQ(child.get(kLeaf + 10), nullptr);
        EXPECT_EQ(tag_of(child.get(kLeaf + 20)), kLeaf + 20);
        EXPECT_EQ(tag_of(parent.get(kLeaf + 10)), kLeaf + 10);
        EXPECT_EQ(child.size(), 2 * kLeaf - 10);
        EXPECT_EQ(parent.size(), 4 * kLeaf);
    }
    EXPECT_EQ(PageRefs::shared_pages(), shared_before);
    EXPECT_EQ(free_pages(), before);
}

TEST(PageMap, OwnMakesSetInfallibleAndMovesKeepTheTree)
{
    boot_kernel();
    size_t before = free_pages();
    {
        PageMap a;
        ASSERT_TRUE(a.own(100));
        EXPECT_EQ(a.size(), 0u);
        ASSERT_TRUE(a.set(100, page_with(100)));
        PageMap b = static_cast<PageMap&&>(a);
        EXPECT_EQ(a.size(), 0u);
        EXPECT_EQ(tag_of(b.get(100)), 100u);
        PageMap c;
        ASSERT_TRUE(c.set(7, page_with(7)));
        c = static_cast<PageMap&&>(b); // c's page 7 goes
        EXPECT_EQ(c.get(7), nullptr);
        EXPECT_EQ(tag_of(c.get(100)), 100u);
    }
    EXPECT_EQ(free_pages(), before);
}

TEST(PageMap, OwnWithoutCopyTellsASharedLeafAndThePeakStays)
{
    boot_kernel();
    size_t before = free_pages();
    {
        PageMap map;
        // No leaf yet, then a leaf of its own: own() would change no other map.
        EXPECT_TRUE(map.own_without_copy(5));
        ASSERT_TRUE(map.set(5, page_with(5)));
        ASSERT_TRUE(map.set(6, page_with(6)));
        EXPECT_TRUE(map.own_without_copy(7));
        EXPECT_EQ(map.peak(), 2u);
        {
            // A fork's map shares the leaf: owning it now would copy it.
            auto child = map.share();
            ASSERT_FALSE(child.is_error());
            EXPECT_FALSE(map.own_without_copy(7));
            EXPECT_TRUE(map.own_without_copy(kLeaf + 7)); // another leaf: missing
            EXPECT_EQ(child.value().peak(), 2u);
        }
        // The child let go: the leaf is this map's alone again.
        EXPECT_TRUE(map.own_without_copy(7));
        ASSERT_TRUE(map.drop(5, 7));
        EXPECT_EQ(map.size(), 0u);
        EXPECT_EQ(map.peak(), 2u); // ru_maxrss: the most there were
    }
    EXPECT_EQ(free_pages(), before);
}
