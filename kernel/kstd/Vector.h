// A growable array on the kernel heap. Growth can fail: append() returns
// false (callers map that to ENOMEM).
#pragma once

#include "Memory.h"

namespace kstd {

template<typename T>
class Vector {
public:
    Vector() = default;
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
    Vector(Vector&& o) : m_data(o.m_data), m_size(o.m_size), m_capacity(o.m_capacity)
    {
        o.m_data = nullptr;
        o.m_size = o.m_capacity = 0;
    }
    Vector& operator=(Vector&& o)
    {
        if (this != &o) {
            clear_and_free();
            m_data = o.m_data; m_size = o.m_size; m_capacity = o.m_capacity;
            o.m_data = nullptr; o.m_size = o.m_capacity = 0;
        }
        return *this;
    }
    ~Vector() { clear_and_free(); }

    [[nodiscard]] bool append(const T& v)
    {
        if (!ensure_capacity(m_size + 1))
            return false;
        new (placement, &m_data[m_size++]) T(v);
        return true;
    }
    [[nodiscard]] bool append(T&& v)
    {
        if (!ensure_capacity(m_size + 1))
            return false;
        new (placement, &m_data[m_size++]) T(move(v));
        return true;
    }
    [[nodiscard]] bool resize(size_t n)
    {
        if (!ensure_capacity(n))
            return false;
        while (m_size < n)
            new (placement, &m_data[m_size++]) T();
        while (m_size > n)
            m_data[--m_size].~T();
        return true;
    }
    void remove(size_t index)
    {
        for (size_t i = index; i + 1 < m_size; ++i)
            m_data[i] = move(m_data[i + 1]);
        m_data[--m_size].~T();
    }
    T take_last()
    {
        T v = move(m_data[m_size - 1]);
        m_data[--m_size].~T();
        return v;
    }
    void clear()
    {
        while (m_size > 0)
            m_data[--m_size].~T();
    }

    [[nodiscard]] bool ensure_capacity(size_t n)
    {
        if (n <= m_capacity)
            return true;
        size_t cap = max<size_t>(n, m_capacity ? m_capacity * 2 : 4);
        T* fresh = static_cast<T*>(kmalloc(cap * sizeof(T)));
        if (!fresh)
            return false;
        for (size_t i = 0; i < m_size; ++i) {
            new (placement, &fresh[i]) T(move(m_data[i]));
            m_data[i].~T();
        }
        kfree(m_data);
        m_data = fresh;
        m_capacity = cap;
        return true;
    }

    size_t size() const { return m_size; }
    bool is_empty() const { return m_size == 0; }
    T& operator[](size_t i) { return m_data[i]; }
    const T& operator[](size_t i) const { return m_data[i]; }
    T& last() { return m_data[m_size - 1]; }
    T* data() { return m_data; }
    const T* data() const { return m_data; }
    T* begin() { return m_data; }
    T* end() { return m_data + m_size; }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }

private:
    void clear_and_free()
    {
        clear();
        kfree(m_data);
        m_data = nullptr;
        m_capacity = 0;
    }

    T* m_data { nullptr };
    size_t m_size { 0 };
    size_t m_capacity { 0 };
};

} // namespace kstd
