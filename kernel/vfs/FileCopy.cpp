#include "FileCopy.h"
#include "../kstd/Memory.h"

namespace husk {

using namespace kstd::errno_values;

FileCopy::~FileCopy() { kstd::kfree(m_buffer); }

bool FileCopy::chunk(size_t want)
{
    if (!m_buffer && !(m_buffer = kstd::kmalloc(kChunk))) {
        failure = err(ENOMEM);
        return false;
    }
    auto got = m_position != File::kOwnOffset ? m_in.pread(IoBuffer::kernel(m_buffer), want, uint64_t(m_position) + done)
                                              : m_in.read(IoBuffer::kernel(m_buffer), want);
    if (got.is_error()) {
        failure = got.error();
        return false;
    }
    if (got.value() == 0)
        return false;
    auto put = m_out.write(IoBuffer::kernel(m_buffer), got.value());
    if (put.is_error()) {
        failure = put.error();
        return false;
    }
    done += put.value();
    return put.value() == got.value();
}

ErrorOr<size_t> FileCopy::result() const
{
    if (done == 0 && failure.is_error())
        return failure.error();
    return done;
}

ErrorOr<size_t> File::send_from(File& in, int64_t position, size_t count)
{
    FileCopy copy(in, *this, position);
    while (copy.done < count && copy.chunk(kstd::min(FileCopy::kChunk, count - copy.done))) {}
    return copy.result();
}

} // namespace husk
