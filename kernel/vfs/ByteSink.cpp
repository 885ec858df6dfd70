#include "ByteSink.h"
#include "../kstd/Errno.h"

namespace husk {

kstd::ErrorOr<void> ByteSink::put(size_t at, const uint8_t* data, size_t n)
{
    if (at != m_taken || m_full)
        return kstd::err(kstd::EINVAL);
    size_t took = n ? m_take(m_context, data, n) : 0;
    m_taken += took < n ? took : n;
    if (took < n) {
        m_full = true;
        return kstd::err(kstd::EAGAIN);
    }
    return {};
}

} // namespace husk
