#include "ProgramImage.h"
#include "../core/Heap.h"
#include "../core/Reclaim.h"
#include "../vfs/IoBuffer.h"
#include "../vfs/Vnode.h"
#include "Elf.h"

namespace husk {

namespace {
// Reads [offset, offset+len) of file into buf.
ErrorOr<void> read_all(Vnode& file, uint64_t offset, uint8_t* buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        auto n = file.read(offset + done, IoBuffer::kernel(buf + done), len - done);
        if (n.is_error())
            return n.error();
        if (n.value() == 0)
            return kstd::err(kstd::EIO); // shorter than its size: damaged
        done += n.value();
    }
    return {};
}

// Whether the file has a symbol table (.symtab: fault reports name
// functions from it, so the image keeps the whole file).
bool has_symbols(Vnode& file, const uint8_t* header, size_t available)
{
    elf::Header h;
    if (available < sizeof h)
        return true;
    memcpy(&h, header, sizeof h);
    size_t bytes = size_t(h.shnum) * sizeof(elf::SectionHeader);
    if (h.shentsize != sizeof(elf::SectionHeader) || bytes == 0 || bytes > 64 * 1024)
        return bytes != 0;
    auto* sections = static_cast<uint8_t*>(Heap::allocate(bytes));
    if (!sections)
        return true;
    bool found = read_all(file, h.shoff, sections, bytes).is_error(); // unreadable: read it all
    for (size_t i = 0; !found && i < h.shnum; ++i) {
        elf::SectionHeader sh;
        memcpy(&sh, sections + i * sizeof sh, sizeof sh);
        found = sh.type == elf::SHT_SYMTAB;
    }
    Heap::free(sections);
    return found;
}

// Reads the segments' file bytes through the caches into a small buffer
// and drops them: the program's first touches then find the blocks cached
// (a few large clustered reads instead of a request per page; the blocks
// are clean, and the buffer cache gives them back if memory runs short).
// Without memory for the buffer it is left out.
void warm(Vnode& file, const ElfImage& elf)
{
    constexpr size_t kChunk = 64 * 1024;
    auto* buf = static_cast<uint8_t*>(Heap::allocate(kChunk));
    if (!buf)
        return;
    uint64_t end = 0;
    for (const auto& s : elf.segments())
        end = kstd::max(end, s.offset + s.filesz);
    for (uint64_t at = 0; at < end;) {
        auto n = file.read(at, IoBuffer::kernel(buf), size_t(kstd::min<uint64_t>(kChunk, end - at)));
        if (n.is_error() || n.value() == 0)
            break;
        at += n.value();
    }
    Heap::free(buf);
}

// The file's bytes in a kernel allocation; the caches' memory may be
// needed for a large one (exec may wait).
uint8_t* allocate(size_t size)
{
    auto* bytes = static_cast<uint8_t*>(Heap::allocate(size ? size : 1));
    if (!bytes && Reclaim::reclaim(size / kPageSize + 1))
        bytes = static_cast<uint8_t*>(Heap::allocate(size ? size : 1));
    return bytes;
}
} // namespace

ErrorOr<kstd::RefPtr<ProgramImage>> ProgramImage::read(Vnode& file, const char* name, bool headers_only)
{
    // The headers alone where the loader maps the segments from the file's
    // pages, the file has no symbols and its headers and interpreter name
    // lie in its first page (python3 is 6.6 MiB: not read whole into the
    // kernel); else all of it.
    size_t size = size_t(file.size());
    constexpr size_t kHeaders = 4096;
    if (headers_only && size > kHeaders) {
        uint8_t* bytes = allocate(kHeaders);
        if (!bytes)
            return err(kstd::ENOMEM);
        if (auto r = read_all(file, 0, bytes, kHeaders); r.is_error()) {
            Heap::free(bytes);
            return r.error();
        }
        if (!has_symbols(file, bytes, kHeaders)) {
            auto elf = ElfImage::parse(bytes, kHeaders, size, name);
            if (!elf.is_error() && !elf.value().segments_share_pages()) {
                warm(file, elf.value());
                auto* image = new ProgramImage(bytes, elf.release_value());
                if (!image) {
                    Heap::free(bytes);
                    return err(kstd::ENOMEM);
                }
                return kstd::RefPtr<ProgramImage>::adopt(image);
            }
            if (elf.is_error() && elf.error().code() != kstd::E2BIG) {
                Heap::free(bytes);
                return elf.error();
            }
        }
        Heap::free(bytes);
    }
    uint8_t* bytes = allocate(size);
    if (!bytes)
        return err(kstd::ENOMEM);
    if (auto r = read_all(file, 0, bytes, size); r.is_error()) {
        Heap::free(bytes);
        return r.error();
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
