// Intrusive reference counting. Objects derive from RefCounted<T>; RefPtr
// holds a counted reference. Single CPU today; the count is not atomic.
#pragma once

#include "Memory.h"

namespace kstd {

template<typename T>
class RefCounted {
public:
    void ref() const { ++m_refs; }
    void unref() const
    {
        if (--m_refs == 0)
            delete static_cast<const T*>(this);
    }
    uint32_t ref_count() const { return m_refs; }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable uint32_t m_refs { 1 };
};

template<typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(decltype(nullptr)) {}
    RefPtr(T* p) : m_ptr(p) { if (m_ptr) m_ptr->ref(); }
    RefPtr(T& r) : m_ptr(&r) { m_ptr->ref(); }
    RefPtr(const RefPtr& o) : m_ptr(o.m_ptr) { if (m_ptr) m_ptr->ref(); }
    RefPtr(RefPtr&& o) : m_ptr(o.m_ptr) { o.m_ptr = nullptr; }
    template<typename U>
    RefPtr(const RefPtr<U>& o) : m_ptr(o.ptr()) { if (m_ptr) m_ptr->ref(); }
    template<typename U>
    RefPtr(RefPtr<U>&& o) : m_ptr(o.leak()) {}
    ~RefPtr() { clear(); }

    RefPtr& operator=(const RefPtr& o)
    {
        RefPtr tmp(o);
        swap(m_ptr, tmp.m_ptr);
        return *this;
    }
    RefPtr& operator=(RefPtr&& o)
    {
        RefPtr tmp(move(o));
        swap(m_ptr, tmp.m_ptr);
        return *this;
    }

    // Takes over a reference the caller already owns (fresh objects start at 1).
    static RefPtr adopt(T* p)
    {
        RefPtr r;
        r.m_ptr = p;
        return r;
    }
    T* leak()
    {
        T* p = m_ptr;
        m_ptr = nullptr;
        return p;
    }
    void clear()
    {
        if (m_ptr)
            m_ptr->unref();
        m_ptr = nullptr;
    }

    T* ptr() const { return m_ptr; }
    T* operator->() const { return m_ptr; }
    T& operator*() const { return *m_ptr; }
    explicit operator bool() const { return m_ptr != nullptr; }
    bool operator==(const RefPtr& o) const { return m_ptr == o.m_ptr; }
    bool operator==(const T* p) const { return m_ptr == p; }

private:
    T* m_ptr { nullptr };
};

// new T(args) with reference count 1, adopted; nullptr when out of memory.
template<typename T, typename... Args>
RefPtr<T> adopt_new(Args&&... args)
{
    return RefPtr<T>::adopt(new T(forward<Args>(args)...));
}

} // namespace kstd

namespace husk {
using kstd::RefPtr;
} // namespace husk
