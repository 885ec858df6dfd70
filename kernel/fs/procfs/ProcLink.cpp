#include "ProcLink.h"
#include "../../core/Heap.h"

namespace husk {

ProcLink::ProcLink(FileSystem& fs, uint64_t ino, uint32_t permissions, Target target, uint32_t pid, Process* owner,
                   uint32_t fd)
    : ProcNode(fs, ino, linux::S_IFLNK | permissions, pid, owner)
    , m_target(target)
    , m_fd(fd)
{
}

kstd::ErrorOr<size_t> ProcLink::readlink(char* buf, size_t size)
{
    auto* text = static_cast<char*>(Heap::allocate(linux::PATH_MAX));
    if (!text)
        return kstd::err(kstd::ENOMEM);
    auto length = m_target(pid(), m_fd, text, linux::PATH_MAX);
    size_t n = length.is_error() ? 0 : kstd::min(length.value(), size); // readlink(2) cuts, without a NUL
    memcpy(buf, text, n);
    Heap::free(text);
    if (length.is_error())
        return length.error();
    return n;
}

} // namespace husk
