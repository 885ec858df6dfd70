// Open-addressing hash map (linear probing, tombstones) on the kernel heap.
// Keys need hash_of(key) and ==. Insertion can fail with false (no memory).
#pragma once

#include "Memory.h"
#include "StringView.h"

namespace kstd {

inline uint32_t hash_of(uint64_t v)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    v ^= v >> 33;
    return uint32_t(v);
}
inline uint32_t hash_of(StringView s) { return s.hash(); }

template<typename K, typename V>
class HashMap {
public:
    HashMap() = default;
    HashMap(const HashMap&) = delete;
    HashMap& operator=(const HashMap&) = delete;
    ~HashMap() { clear(); kfree(m_slots); }

    [[nodiscard]] bool set(const K& key, V value)
    {
        // Full up to 3/4 counting tombstones: grow if the live entries need
        // it, else rebuild at the same size. Tombstones left to pile up (a
        // cache evicts and inserts all the time) make every miss probe long.
        if ((m_used + 1) * 4 >= m_capacity * 3 && !rehash(!m_capacity ? 16 : (m_size + 1) * 2 >= m_capacity ? m_capacity * 2 : m_capacity))
            return false;
        Slot* s = find_slot(key, true);
        if (s->state == Full) {
            s->value = move(value);
            return true;
        }
        if (s->state == Empty)
            ++m_used;
        new (placement, &s->key) K(key);
        new (placement, &s->value) V(move(value));
        s->state = Full;
        ++m_size;
        return true;
    }
    V* get(const K& key)
    {
        if (!m_capacity)
            return nullptr;
        Slot* s = find_slot(key, false);
        return s && s->state == Full ? &s->value : nullptr;
    }
    bool remove(const K& key)
    {
        if (!m_capacity)
            return false;
        Slot* s = find_slot(key, false);
        if (!s || s->state != Full)
            return false;
        s->key.~K();
        s->value.~V();
        s->state = Deleted;
        --m_size;
        return true;
    }
    void clear()
    {
        for (size_t i = 0; i < m_capacity; ++i) {
            if (m_slots[i].state == Full) {
                m_slots[i].key.~K();
                m_slots[i].value.~V();
            }
            m_slots[i].state = Empty;
        }
        m_size = m_used = 0;
    }
    size_t size() const { return m_size; }

    // Removes every entry for which pred(key, value) is true. Safe while
    // iterating: removal leaves a tombstone and never rehashes.
    template<typename F>
    size_t remove_if(F pred)
    {
        size_t removed = 0;
        for (size_t i = 0; i < m_capacity; ++i) {
            Slot& s = m_slots[i];
            if (s.state != Full || !pred(s.key, s.value))
                continue;
            s.key.~K();
            s.value.~V();
            s.state = Deleted;
            --m_size;
            ++removed;
        }
        return removed;
    }

    template<typename F>
    void for_each(F f)
    {
        for (size_t i = 0; i < m_capacity; ++i)
            if (m_slots[i].state == Full)
                f(m_slots[i].key, m_slots[i].value);
    }

private:
    enum State : uint8_t { Empty, Full, Deleted };
    struct Slot {
        State state;
        union { K key; };
        union { V value; };
        Slot() : state(Empty) {}
        ~Slot() {}
    };

    Slot* find_slot(const K& key, bool for_insert)
    {
        size_t mask = m_capacity - 1;
        size_t i = hash_of(key) & mask;
        Slot* tombstone = nullptr;
        for (size_t probes = 0; probes < m_capacity; ++probes, i = (i + 1) & mask) {
            Slot& s = m_slots[i];
            if (s.state == Empty)
                return for_insert && tombstone ? tombstone : &s;
            if (s.state == Deleted) {
                if (!tombstone)
                    tombstone = &s;
            } else if (s.key == key) {
                return &s;
            }
        }
        return for_insert ? tombstone : nullptr;
    }
    bool rehash(size_t capacity)
    {
        Slot* fresh = static_cast<Slot*>(kmalloc(capacity * sizeof(Slot)));
        if (!fresh)
            return false;
        for (size_t i = 0; i < capacity; ++i)
            new (placement, &fresh[i]) Slot();
        Slot* old = m_slots;
        size_t old_capacity = m_capacity;
        m_slots = fresh;
        m_capacity = capacity;
        m_size = m_used = 0;
        for (size_t i = 0; i < old_capacity; ++i) {
            if (old[i].state != Full)
                continue;
            Slot* s = find_slot(old[i].key, true);
            new (placement, &s->key) K(move(old[i].key));
            new (placement, &s->value) V(move(old[i].value));
            s->state = Full;
            ++m_size;
            ++m_used;
            old[i].key.~K();
            old[i].value.~V();
        }
        kfree(old);
        return true;
    }

    Slot* m_slots { nullptr };
    size_t m_capacity { 0 };
    size_t m_size { 0 };
    size_t m_used { 0 }; // full + deleted
};

} // namespace kstd
