// A non-owning view of characters (not necessarily NUL-terminated).
#pragma once

#include "Types.h"

namespace kstd {

class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(const char* s, size_t n) : m_chars(s), m_length(n) {}
    constexpr StringView(const char* s) : m_chars(s), m_length(s ? cstrlen(s) : 0) {}

    constexpr const char* data() const { return m_chars; }
    constexpr size_t length() const { return m_length; }
    constexpr bool is_empty() const { return m_length == 0; }
    constexpr char operator[](size_t i) const { return m_chars[i]; }

    constexpr StringView substring(size_t start, size_t n) const { return { m_chars + start, n }; }
    constexpr StringView substring(size_t start) const { return { m_chars + start, m_length - start }; }

    bool operator==(StringView other) const
    {
        return m_length == other.m_length && (m_length == 0 || memcmp(m_chars, other.m_chars, m_length) == 0);
    }
    constexpr bool starts_with(StringView p) const
    {
        if (p.m_length > m_length)
            return false;
        for (size_t i = 0; i < p.m_length; ++i)
            if (m_chars[i] != p.m_chars[i])
                return false;
        return true;
    }
    // Index of the first c, or -1.
    constexpr long find(char c, size_t from = 0) const
    {
        for (size_t i = from; i < m_length; ++i)
            if (m_chars[i] == c)
                return long(i);
        return -1;
    }
    uint32_t hash() const
    {
        uint32_t h = 2166136261u; // FNV-1a
        for (size_t i = 0; i < m_length; ++i)
            h = (h ^ uint8_t(m_chars[i])) * 16777619u;
        return h;
    }

    static constexpr size_t cstrlen(const char* s)
    {
        // A literal's length is the compiler's to fold: the loop below is
        // not folded, and ran (and cost its translation under TCG) for
        // every StringView made from a literal. The kernel has no strlen
        // to call, hence the loop for the rest.
        if (__builtin_constant_p(__builtin_strlen(s)))
            return __builtin_strlen(s);
        size_t n = 0;
        while (s[n])
            ++n;
        return n;
    }

private:
    const char* m_chars { "" };
    size_t m_length { 0 };
};

} // namespace kstd

namespace husk {
using kstd::StringView;
} // namespace husk
