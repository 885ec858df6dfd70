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
    auto put = m_out_position != File::kOwnOffset
        ? m_out.pwrite(IoBuffer::kernel(m_buffer), got.value(), uint64_t(m_out_position) + done)
        : m_out.write(IoBuffer::kernel(m_buffer), got.value());
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

ErrorOr<size_t> copy_file_range(File& in, int64_t* in_position, File& out, int64_t* out_position, size_t count,
                                unsigned flags)
{
    if (flags)
        return err(EINVAL);
    Vnode* from = in.vnode();
    Vnode* to = out.vnode();
    if ((from && from->is_directory()) || (to && to->is_directory()))
        return err(EISDIR);
    if (!from || !to || !from->is_regular() || !to->is_regular())
        return err(EINVAL);
    if (!in.is_readable() || !out.is_writable() || (out.status_flags() & linux::O_APPEND))
        return err(EBADF);
    int64_t pos_in = in_position ? *in_position : int64_t(TRY(in.seek(0, linux::SEEK_CUR)));
    int64_t pos_out = out_position ? *out_position : int64_t(TRY(out.seek(0, linux::SEEK_CUR)));
    // Linux compares unsigned: a negative position "wraps" too.
    if (uint64_t(pos_in) + count < uint64_t(pos_in) || uint64_t(pos_out) + count < uint64_t(pos_out))
        return err(EOVERFLOW);
    // Shortened to in's end; then a range may not overlap itself.
    int64_t size_in = int64_t(from->size());
    count = pos_in >= size_in ? 0 : kstd::min<uint64_t>(count, uint64_t(size_in - pos_in));
    if (from == to && pos_out + int64_t(count) > pos_in && pos_out < pos_in + int64_t(count))
        return err(EINVAL);
    if (count == 0)
        return size_t(0);
    if (pos_in < 0 || pos_out < 0)
        return err(EINVAL);
    FileCopy copy(in, out, pos_in, pos_out);
    while (copy.done < count && copy.chunk(kstd::min(FileCopy::kChunk, count - copy.done))) {}
    size_t done = TRY(copy.result());
    if (in_position)
        *in_position += int64_t(done);
    else
        TRY(in.seek(pos_in + int64_t(done), linux::SEEK_SET));
    if (out_position)
        *out_position += int64_t(done);
    else
        TRY(out.seek(pos_out + int64_t(done), linux::SEEK_SET));
    return done;
}

} // namespace husk
