#include "Format.h"

namespace kstd {

namespace {

class Sink {
public:
    Sink(char* buf, size_t size) : m_buf(buf), m_size(size) {}
    void put(char c)
    {
        if (m_size && m_len + 1 < m_size)
            m_buf[m_len] = c;
        ++m_len;
    }
    void finish()
    {
        if (m_size)
            m_buf[m_len < m_size ? m_len : m_size - 1] = 0;
    }
    size_t length() const { return m_len; }

private:
    char* m_buf;
    size_t m_size;
    size_t m_len { 0 };
};

void put_number(Sink& out, uint64_t v, unsigned base, bool upper, bool negative, int width, char pad, bool left)
{
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    int len = n + (negative ? 1 : 0);
    if (!left && pad == ' ')
        for (int i = len; i < width; ++i)
            out.put(' ');
    if (negative)
        out.put('-');
    if (!left && pad == '0')
        for (int i = len; i < width; ++i)
            out.put('0');
    while (n)
        out.put(digits[--n]);
    if (left)
        for (int i = len; i < width; ++i)
            out.put(' ');
}

} // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list ap)
{
    Sink out(buf, size);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        bool left = false;
        char pad = ' ';
        for (;; ++p) {
            if (*p == '-') left = true;
            else if (*p == '0') pad = '0';
            else break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            ++p;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int precision = -1;
        if (*p == '.') {
            ++p;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(ap, int);
                ++p;
            }
            while (*p >= '0' && *p <= '9')
                precision = precision * 10 + (*p++ - '0');
        }
        int longs = 0;
        bool size_t_arg = false;
        while (*p == 'l') { ++longs; ++p; }
        if (*p == 'z') { size_t_arg = true; ++p; }
        auto fetch_signed = [&]() -> int64_t {
            if (size_t_arg) return int64_t(va_arg(ap, long));
            if (longs == 0) return va_arg(ap, int);
            if (longs == 1) return va_arg(ap, long);
            return va_arg(ap, long long);
        };
        auto fetch_unsigned = [&]() -> uint64_t {
            if (size_t_arg) return va_arg(ap, size_t);
            if (longs == 0) return va_arg(ap, unsigned);
            if (longs == 1) return va_arg(ap, unsigned long);
            return va_arg(ap, unsigned long long);
        };
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = fetch_signed();
            put_number(out, v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v), 10, false, v < 0, width, pad, left);
            break;
        }
        case 'u': put_number(out, fetch_unsigned(), 10, false, false, width, pad, left); break;
        case 'x': put_number(out, fetch_unsigned(), 16, false, false, width, pad, left); break;
        case 'X': put_number(out, fetch_unsigned(), 16, true, false, width, pad, left); break;
        case 'o': put_number(out, fetch_unsigned(), 8, false, false, width, pad, left); break;
        case 'p':
            out.put('0');
            out.put('x');
            put_number(out, uintptr_t(va_arg(ap, void*)), 16, false, false, width, pad, left);
            break;
        case 'c': out.put(char(va_arg(ap, int))); break;
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (!s)
                s = "(null)";
            size_t n = 0;
            while (s[n] && (precision < 0 || n < size_t(precision)))
                ++n;
            if (!left)
                for (int i = int(n); i < width; ++i)
                    out.put(' ');
            for (size_t i = 0; i < n; ++i)
                out.put(s[i]);
            if (left)
                for (int i = int(n); i < width; ++i)
                    out.put(' ');
            break;
        }
        case '%': out.put('%'); break;
        case 0: --p; break;
        default: out.put('%'); out.put(*p); break;
        }
    }
    out.finish();
    return out.length();
}

size_t format(char* buf, size_t size, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

} // namespace kstd
