#include "ProcFile.h"
#include "../../core/Heap.h"

namespace husk {

ProcFile::ProcFile(FileSystem& fs, uint64_t ino, Generator generate, Writer writer)
    : Vnode(fs, ino, linux::S_IFREG | (writer ? 0644 : 0444))
    , m_generate(generate)
    , m_write(writer)
{
}

kstd::ErrorOr<size_t> ProcFile::write(uint64_t offset, IoBuffer buf, size_t n)
{
    if (!m_write)
        return kstd::err(kstd::EACCES);
    if (offset != 0)
        return n; // sysctl_writes_strict: a value is written whole; later writes are ignored
    return m_write(buf, n);
}

kstd::ErrorOr<size_t> ProcFile::read(uint64_t offset, IoBuffer buf, size_t n)
{
    auto* text = static_cast<char*>(Heap::allocate(kMaxText));
    if (!text)
        return kstd::err(kstd::ENOMEM);
    size_t length = m_generate(text, kMaxText);
    size_t done = 0;
    if (offset < length) {
        done = kstd::min<size_t>(n, length - size_t(offset));
        if (auto r = buf.write_from(0, text + offset, done); r.is_error()) {
            Heap::free(text);
            return r.error();
        }
    }
    Heap::free(text);
    return done;
}

} // namespace husk
