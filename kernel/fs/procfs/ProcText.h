// Text a procfs file generates into a fixed buffer: appends stop at its
// end (the file is cut there, as a full seq_file page would be).
#pragma once

#include <stdarg.h>
#include "../../kstd/Format.h"
#include "../../kstd/StringView.h"

namespace husk {

class ProcText {
public:
    ProcText(char* buf, size_t size) : m_buf(buf), m_size(size) { }

    void add(const char* fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        if (m_length + 1 >= m_size)
            return;
        va_list ap;
        va_start(ap, fmt);
        size_t n = kstd::vformat(m_buf + m_length, m_size - m_length, fmt, ap);
        va_end(ap);
        m_length += n < m_size - m_length ? n : m_size - m_length - 1;
    }
    void add(kstd::StringView s)
    {
        for (size_t i = 0; i < s.length() && m_length + 1 < m_size; ++i)
            m_buf[m_length++] = s[i];
        if (m_size)
            m_buf[m_length] = 0;
    }
    size_t length() const { return m_length; }

private:
    char* m_buf;
    size_t m_size;
    size_t m_length { 0 };
};

} // namespace husk
