#include "ProcFile.h"
#include "../../core/Heap.h"

namespace husk {

ProcFile::ProcFile(FileSystem& fs, uint64_t ino, Generator generate)
    : Vnode(fs, ino, linux::S_IFREG | 0444)
    , m_generate(generate)
{
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
