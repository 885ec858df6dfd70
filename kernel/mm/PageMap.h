// The pages an address space maps, by page number: a radix tree of four
// levels of 512 entries, shaped like x86-64's page tables but the kernel's
// own (the platform's tables mirror it). A leaf holds the pages of 512
// numbers (2 MiB of addresses); the level above keeps, beside each leaf's
// address, how many pages it holds.
//
// fork shares leaves: the child's map copies the three upper levels and
// takes one more reference to each leaf (PageRefs counts a leaf's maps as
// it counts a page's owners), so forking costs O(leaves), and so does the
// exit of a child that changed nothing. A shared leaf is never changed: the
// first change through one of its maps copies it (own), and only then do
// its pages gain an owner each. A page in a shared leaf is thus one owner
// for all the maps sharing the leaf, and another space may reach a map's
// page when the leaf is shared or the page has other owners (shared).
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Types.h"

namespace husk {

class PageMap {
public:
    static constexpr size_t kLeafPages = 512;

    PageMap() = default;
    ~PageMap() { clear(); }
    PageMap(const PageMap&) = delete;
    PageMap& operator=(const PageMap&) = delete;
    PageMap(PageMap&& other) : m_root(other.m_root), m_size(other.m_size), m_peak(other.m_peak)
    {
        other.m_root = nullptr;
        other.m_size = 0;
    }
    PageMap& operator=(PageMap&& other);

    // The page at `number`, or nullptr.
    void* get(uintptr_t number) const;
    // Whether another map may reach the page at `number` (mapped): its leaf
    // is shared, or the page has another owner.
    bool shared(uintptr_t number) const;
    // Makes the leaf of `number` this map's alone and present (copying a
    // shared one, creating a missing one), so that set() there cannot fail;
    // false when out of memory (nothing changed).
    [[nodiscard]] bool own(uintptr_t number);
    // Whether own(number) would change no other map's pages: the leaf is
    // missing or this map's alone (no leaf to copy, no page to share).
    bool own_without_copy(uintptr_t number) const;
    // Puts `page` at `number`, taking over one PageRefs owner of it; the
    // page there before is released. false when out of memory (nothing
    // changed, the caller keeps its owner).
    [[nodiscard]] bool set(uintptr_t number, void* page);
    // Releases the pages of [first, last). false when out of memory (a
    // shared leaf the range cuts in two must be copied): nothing changed.
    [[nodiscard]] bool drop(uintptr_t first, uintptr_t last);
    // Releases every page and the tree.
    void clear();
    // fork: a map of the same pages, sharing every leaf. ENOMEM.
    kstd::ErrorOr<PageMap> share();

    // Calls f(number, page) for each page mapped in [first, last), in order.
    template<typename F>
    void for_each(uintptr_t first, uintptr_t last, F f) const
    {
        walk(m_root, 3, 0, first, last, [&](uintptr_t& entry, uintptr_t base, uintptr_t lo, uintptr_t hi) {
            auto* leaf = leaf_of(entry);
            for (uintptr_t n = lo; n < hi; ++n)
                if (leaf[n - base])
                    f(n, reinterpret_cast<void*>(leaf[n - base]));
        });
    }

    // Pages mapped, and the most there have been (ru_maxrss).
    size_t size() const { return m_size; }
    size_t peak() const { return m_peak; }

private:
    // A level-1 entry is the leaf's address with its page count in the low
    // bits (a leaf is page aligned; 512 fits in 12 bits).
    static constexpr uintptr_t kCountMask = 0xfff;
    static uintptr_t* leaf_of(uintptr_t entry) { return reinterpret_cast<uintptr_t*>(entry & ~kCountMask); }
    static size_t count_of(uintptr_t entry) { return entry & kCountMask; }

    // The level-1 entry for `number`, creating the nodes above it if asked
    // (nullptr: absent, or out of memory).
    uintptr_t* leaf_entry(uintptr_t number, bool create);
    const uintptr_t* leaf_entry(uintptr_t number) const;
    // Drops one leaf entry's reference: the last one releases its pages.
    static void release_leaf(uintptr_t entry);
    static bool copy_nodes(uintptr_t* to, const uintptr_t* from, int level);
    static void free_nodes(uintptr_t* node, int level);

    // Calls f(entry, base, lo, hi) for each present level-1 entry whose
    // numbers [base, base + 512) meet [first, last); [lo, hi) is the meeting.
    template<typename F>
    static void walk(uintptr_t* node, int level, uintptr_t base, uintptr_t first, uintptr_t last, F&& f)
    {
        if (!node)
            return;
        uintptr_t span = uintptr_t(1) << (9 * level);
        for (size_t i = first > base ? (first - base) / span : 0; i < 512; ++i) {
            uintptr_t lo = base + i * span;
            if (lo >= last)
                break;
            if (!node[i])
                continue;
            if (level == 1)
                f(node[i], lo, lo > first ? lo : first, lo + span < last ? lo + span : last);
            else
                walk(reinterpret_cast<uintptr_t*>(node[i]), level - 1, lo, first, last, f);
        }
    }

    uintptr_t* m_root { nullptr }; // level 3: 512 GiB an entry
    size_t m_size { 0 };
    size_t m_peak { 0 };
};

} // namespace husk
