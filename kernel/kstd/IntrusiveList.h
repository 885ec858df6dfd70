// Doubly linked list whose nodes live inside the elements: no allocation,
// O(1) removal. An element may sit on several lists through several nodes.
#pragma once

#include "Types.h"

namespace kstd {

struct ListNode {
    ListNode* prev { nullptr };
    ListNode* next { nullptr };
    bool is_linked() const { return next != nullptr; }
};

template<typename T, ListNode T::*Node>
class IntrusiveList {
public:
    IntrusiveList() { m_head.prev = m_head.next = &m_head; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return m_head.next == &m_head; }
    void append(T& item) { insert_before(&m_head, &(item.*Node)); }
    void prepend(T& item) { insert_before(m_head.next, &(item.*Node)); }
    // Inserts item before `before` (which must be on this list).
    void insert_before(T& before, T& item) { insert_before(&(before.*Node), &(item.*Node)); }
    static void remove(T& item)
    {
        ListNode* n = &(item.*Node);
        if (!n->is_linked())
            return;
        n->prev->next = n->next;
        n->next->prev = n->prev;
        n->prev = n->next = nullptr;
    }
    T* first() const { return is_empty() ? nullptr : owner(m_head.next); }
    T* take_first()
    {
        T* item = first();
        if (item)
            remove(*item);
        return item;
    }
    size_t size() const
    {
        size_t n = 0;
        for (ListNode* p = m_head.next; p != &m_head; p = p->next)
            ++n;
        return n;
    }

    class Iterator {
    public:
        Iterator(ListNode* n, const ListNode* head) : m_node(n), m_head(head) { m_next = n->next; }
        T& operator*() const { return *owner(m_node); }
        T* operator->() const { return owner(m_node); }
        // Safe against removal of the current element.
        Iterator& operator++() { m_node = m_next; m_next = m_node->next; return *this; }
        bool operator!=(const Iterator& o) const { return m_node != o.m_node; }

    private:
        ListNode* m_node;
        ListNode* m_next;
        const ListNode* m_head;
    };
    Iterator begin() { return Iterator(m_head.next, &m_head); }
    Iterator end() { return Iterator(&m_head, &m_head); }

    static T* owner(const ListNode* n)
    {
        // offsetof on a member pointer: the node's distance from T's start,
        // measured on uninitialised storage (no object is touched).
        alignas(T) static unsigned char storage[sizeof(T)];
        const T* probe = reinterpret_cast<const T*>(storage);
        auto offset = reinterpret_cast<uintptr_t>(&(probe->*Node)) - reinterpret_cast<uintptr_t>(probe);
        return reinterpret_cast<T*>(reinterpret_cast<uintptr_t>(n) - offset);
    }

private:
    static void insert_before(ListNode* pos, ListNode* n)
    {
        n->next = pos;
        n->prev = pos->prev;
        pos->prev->next = n;
        pos->prev = n;
    }

    ListNode m_head;
};

} // namespace kstd
