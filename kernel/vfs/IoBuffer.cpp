#include "IoBuffer.h"
#include "../mm/UserAccess.h"
#include "ByteSink.h"

namespace husk {

IoBuffer IoBuffer::sink(ByteSink& sink) { return IoBuffer(nullptr, Kind::Sink, &sink); }

IoBuffer IoBuffer::offset_by(size_t n) const
{
    if (m_kind == Kind::Sink)
        return IoBuffer(nullptr, Kind::Sink, m_sink, m_at + n);
    return IoBuffer(m_ptr + n, m_kind);
}

kstd::ErrorOr<void> IoBuffer::write_from(size_t offset, const void* src, size_t n) const
{
    if (m_kind == Kind::Kernel) {
        memcpy(m_ptr + offset, src, n);
        return {};
    }
    if (m_kind == Kind::Sink)
        return m_sink->put(m_at + offset, static_cast<const uint8_t*>(src), n);
    if (user_copy_out(m_ptr + offset, src, n) != 0)
        return err(kstd::EFAULT);
    return {};
}

kstd::ErrorOr<void> IoBuffer::read_into(void* dst, size_t offset, size_t n) const
{
    if (m_kind == Kind::Sink)
        return err(kstd::EFAULT);
    if (m_kind == Kind::Kernel) {
        memcpy(dst, m_ptr + offset, n);
        return {};
    }
    if (user_copy_in(dst, m_ptr + offset, n) != 0)
        return err(kstd::EFAULT);
    return {};
}

kstd::ErrorOr<void> IoBuffer::fill_zero(size_t offset, size_t n) const
{
    static const uint8_t zeros[512] = {};
    while (n) {
        size_t chunk = n < sizeof zeros ? n : sizeof zeros;
        TRY(write_from(offset, zeros, chunk));
        offset += chunk;
        n -= chunk;
    }
    return {};
}

} // namespace husk
