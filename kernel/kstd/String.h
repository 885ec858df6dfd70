// An owned, NUL-terminated string on the kernel heap. Creation can fail
// (out of memory) and is therefore a static factory returning ErrorOr.
#pragma once

#include "ErrorOr.h"
#include "Memory.h"
#include "StringView.h"

namespace kstd {

class String {
public:
    String() = default;
    String(const String&) = delete;
    String& operator=(const String&) = delete;
    String(String&& o) : m_chars(o.m_chars), m_length(o.m_length) { o.m_chars = nullptr; o.m_length = 0; }
    String& operator=(String&& o)
    {
        swap(m_chars, o.m_chars);
        swap(m_length, o.m_length);
        return *this;
    }
    ~String() { kfree(m_chars); }

    static ErrorOr<String> from(StringView v)
    {
        String s;
        s.m_chars = static_cast<char*>(kmalloc(v.length() + 1));
        if (!s.m_chars)
            return err(ENOMEM);
        if (v.length())
            memcpy(s.m_chars, v.data(), v.length());
        s.m_chars[v.length()] = 0;
        s.m_length = v.length();
        return s;
    }

    StringView view() const { return m_chars ? StringView(m_chars, m_length) : StringView(); }
    const char* c_str() const { return m_chars ? m_chars : ""; }
    size_t length() const { return m_length; }
    bool operator==(const String& o) const { return view() == o.view(); }

private:
    char* m_chars { nullptr };
    size_t m_length { 0 };
};

inline uint32_t hash_of(const String& s) { return s.view().hash(); }

} // namespace kstd
