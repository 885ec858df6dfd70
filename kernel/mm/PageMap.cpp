#include "PageMap.h"
#include "../core/Heap.h"
#include "PageRefs.h"

namespace husk {

namespace {
size_t index(uintptr_t number, int level) { return (number >> (9 * level)) & 511; }
uintptr_t* new_node() { return static_cast<uintptr_t*>(Heap::allocate_pages(1)); }
uintptr_t* node_at(uintptr_t entry) { return reinterpret_cast<uintptr_t*>(entry); }
} // namespace

PageMap& PageMap::operator=(PageMap&& other)
{
    if (this != &other) {
        clear();
        m_root = other.m_root;
        m_size = other.m_size;
        m_peak = other.m_peak > m_peak ? other.m_peak : m_peak;
        other.m_root = nullptr;
        other.m_size = 0;
    }
    return *this;
}

uintptr_t* PageMap::leaf_entry(uintptr_t number, bool create)
{
    if (!m_root && (!create || !(m_root = new_node())))
        return nullptr;
    uintptr_t* node = m_root;
    for (int level = 3; level > 1; --level) {
        uintptr_t& e = node[index(number, level)];
        if (!e) {
            uintptr_t* fresh = create ? new_node() : nullptr;
            if (!fresh)
                return nullptr;
            e = reinterpret_cast<uintptr_t>(fresh);
        }
        node = node_at(e);
    }
    return &node[index(number, 1)];
}

const uintptr_t* PageMap::leaf_entry(uintptr_t number) const
{
    return const_cast<PageMap*>(this)->leaf_entry(number, false);
}

void* PageMap::get(uintptr_t number) const
{
    const uintptr_t* e = leaf_entry(number);
    return e && *e ? reinterpret_cast<void*>(leaf_of(*e)[index(number, 0)]) : nullptr;
}

bool PageMap::shared(uintptr_t number) const
{
    const uintptr_t* e = leaf_entry(number);
    if (!e || !*e)
        return false;
    if (PageRefs::owners(leaf_of(*e)) > 1)
        return true;
    void* page = reinterpret_cast<void*>(leaf_of(*e)[index(number, 0)]);
    return page && PageRefs::owners(page) > 1;
}

bool PageMap::own_without_copy(uintptr_t number) const
{
    const uintptr_t* e = leaf_entry(number);
    if (!e || !*e)
        return true;
    // Read as one word: another space sharing the leaf may let go of it
    // meanwhile (its exit, under the big lock); none can take it up, as
    // only this map's fork shares it.
    uintptr_t* leaf = leaf_of(*e);
    return __atomic_load_n(&Heap::page_word(leaf), __ATOMIC_RELAXED) == 0;
}

bool PageMap::own(uintptr_t number)
{
    uintptr_t* e = leaf_entry(number, true);
    if (!e)
        return false;
    if (!*e) {
        uintptr_t* leaf = new_node();
        if (!leaf)
            return false;
        *e = reinterpret_cast<uintptr_t>(leaf);
        return true;
    }
    uintptr_t* leaf = leaf_of(*e);
    if (PageRefs::owners(leaf) == 1)
        return true;
    // The first change after a fork: this map takes a copy, and each of
    // its pages now has one owner more (this leaf and the other).
    uintptr_t* copy = new_node();
    if (!copy)
        return false;
    memcpy(copy, leaf, kLeafPages * sizeof(uintptr_t));
    for (size_t i = 0; i < kLeafPages; ++i)
        if (copy[i])
            PageRefs::share(reinterpret_cast<void*>(copy[i]));
    PageRefs::release(leaf); // the other maps keep it
    *e = reinterpret_cast<uintptr_t>(copy) | count_of(*e);
    return true;
}

bool PageMap::set(uintptr_t number, void* page)
{
    if (!own(number))
        return false;
    uintptr_t* e = leaf_entry(number, false);
    uintptr_t& slot = leaf_of(*e)[index(number, 0)];
    if (slot) {
        PageRefs::release(reinterpret_cast<void*>(slot));
    } else {
        ++*e; // the count
        if (++m_size > m_peak)
            m_peak = m_size;
    }
    slot = reinterpret_cast<uintptr_t>(page);
    return true;
}

void PageMap::release_leaf(uintptr_t entry)
{
    uintptr_t* leaf = leaf_of(entry);
    if (PageRefs::owners(leaf) == 1)
        for (size_t i = 0; i < kLeafPages; ++i)
            if (leaf[i])
                PageRefs::release(reinterpret_cast<void*>(leaf[i]));
    PageRefs::release(leaf);
}

bool PageMap::drop(uintptr_t first, uintptr_t last)
{
    if (first >= last)
        return true;
    // Only the leaves at the two ends can be cut; a shared one is copied
    // first, the one step that can fail, before anything changes.
    auto cut_ok = [&](uintptr_t number) {
        const uintptr_t* e = leaf_entry(number);
        return !e || !*e || own(number);
    };
    uintptr_t first_leaf = first & ~uintptr_t(kLeafPages - 1);
    if ((first != first_leaf || last < first_leaf + kLeafPages) && !cut_ok(first))
        return false;
    if ((last & (kLeafPages - 1)) && !cut_ok(last - 1))
        return false;
    walk(m_root, 3, 0, first, last, [&](uintptr_t& entry, uintptr_t base, uintptr_t lo, uintptr_t hi) {
        if (lo == base && hi == base + kLeafPages) {
            m_size -= count_of(entry);
            release_leaf(entry);
            entry = 0;
            return;
        }
        uintptr_t* leaf = leaf_of(entry); // cut: this map's alone (above)
        for (uintptr_t n = lo; n < hi; ++n) {
            uintptr_t& slot = leaf[n - base];
            if (!slot)
                continue;
            PageRefs::release(reinterpret_cast<void*>(slot));
            slot = 0;
            --entry; // the count
            --m_size;
        }
        if (count_of(entry) == 0) {
            PageRefs::release(leaf);
            entry = 0;
        }
    });
    return true;
}

void PageMap::free_nodes(uintptr_t* node, int level)
{
    for (size_t i = 0; i < 512; ++i) {
        if (!node[i])
            continue;
        if (level == 1)
            release_leaf(node[i]);
        else
            free_nodes(node_at(node[i]), level - 1);
    }
    Heap::free_pages(node, 1);
}

void PageMap::clear()
{
    if (m_root)
        free_nodes(m_root, 3);
    m_root = nullptr;
    m_size = 0;
}

bool PageMap::copy_nodes(uintptr_t* to, const uintptr_t* from, int level)
{
    // `to` is zeroed and each entry is set complete, so that a copy cut
    // short by a lack of memory is still a map its destructor can clear.
    for (size_t i = 0; i < 512; ++i) {
        if (!from[i])
            continue;
        if (level == 1) {
            PageRefs::share(leaf_of(from[i]));
            to[i] = from[i];
            continue;
        }
        uintptr_t* node = new_node();
        if (!node)
            return false;
        to[i] = reinterpret_cast<uintptr_t>(node);
        if (!copy_nodes(node, node_at(from[i]), level - 1))
            return false;
    }
    return true;
}

kstd::ErrorOr<PageMap> PageMap::share()
{
    PageMap copy;
    if (!m_root)
        return copy;
    if (!(copy.m_root = new_node()))
        return err(kstd::ENOMEM);
    if (!copy_nodes(copy.m_root, m_root, 3))
        return err(kstd::ENOMEM);
    copy.m_size = copy.m_peak = m_size;
    return copy;
}

} // namespace husk
