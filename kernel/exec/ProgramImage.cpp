#include "ProgramImage.h"
#include "../core/Heap.h"
#include "../core/Reclaim.h"
#include "../vfs/IoBuffer.h"
#include "../vfs/Vnode.h"

namespace husk {

ErrorOr<kstd::RefPtr<ProgramImage>> ProgramImage::read(Vnode& file, const char* name)
{
    size_t size = size_t(file.size());
    auto* bytes = static_cast<uint8_t*>(Heap::allocate(size ? size : 1));
    if (!bytes && Reclaim::reclaim(size / kPageSize + 1)) // exec may wait for the caches' memory
        bytes = static_cast<uint8_t*>(Heap::allocate(size ? size : 1));
    if (!bytes)
        return err(kstd::ENOMEM);
    size_t done = 0;
    while (done < size) {
        auto n = file.read(done, IoBuffer::kernel(bytes + done), size - done);
        if (n.is_error() || n.value() == 0) {
            Heap::free(bytes);
            return n.is_error() ? n.error() : err(kstd::EIO); // shorter than its size: damaged
        }
        done += n.value();
    }
    auto elf = ElfImage::parse(bytes, size, name);
    if (elf.is_error()) {
        Heap::free(bytes);
        return elf.error();
    }
    auto* image = new ProgramImage(bytes, elf.release_value());
    if (!image) {
        Heap::free(bytes);
        return err(kstd::ENOMEM);
    }
    return kstd::RefPtr<ProgramImage>::adopt(image);
}

ProgramImage::~ProgramImage() { Heap::free(m_bytes); }

bool ProgramImage::symbolize(uint64_t address, char* out, size_t len) const
{
    return m_elf.symbolize(address - m_bias, out, len);
}

} // namespace husk
