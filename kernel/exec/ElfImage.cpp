#include "ElfImage.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../kstd/Format.h"

namespace husk {

namespace {
kstd::Error refuse(const char* name, const char* why)
{
    klog(LogLevel::Error, "exec: %s: %s", name, why);
    return kstd::err(kstd::ENOEXEC);
}

bool within(uint64_t offset, uint64_t len, size_t size) { return offset <= size && len <= size - offset; }
} // namespace

ErrorOr<ElfImage> ElfImage::parse(const uint8_t* data, size_t size, const char* name)
{
    return parse(data, size, size, name);
}

bool ElfImage::segments_share_pages() const
{
    for (size_t i = 1; i < m_segments.size(); ++i) {
        const Segment& a = m_segments[i - 1];
        if (m_segments[i].vaddr / 4096 <= (a.vaddr + a.memsz - 1) / 4096)
            return true;
    }
    return false;
}

ErrorOr<ElfImage> ElfImage::parse(const uint8_t* data, size_t available, size_t size, const char* name)
{
    ElfImage image;
    image.m_data = data;
    image.m_size = available; // what symbolize may read
    if (available < 5 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
        return refuse(name, "not an ELF file");
    if (data[4] == 1) // ELFCLASS32
        return refuse(name, "is a 32-bit program: Husk runs 64-bit " HUSK_ARCH_NAME " programs");
    if (available < sizeof(elf::Header))
        return size < sizeof(elf::Header) ? refuse(name, "not an ELF file") : kstd::err(kstd::E2BIG);
    elf::Header h;
    memcpy(&h, data, sizeof h);
    if (h.ident[4] != 2 || h.ident[5] != 1 || h.machine != HUSK_ARCH_ELF_MACHINE)
        return refuse(name, "not a 64-bit little-endian " HUSK_ARCH_NAME " executable");
    if (h.type != elf::ET_EXEC && h.type != elf::ET_DYN)
        return refuse(name, "not an executable (an object file or core dump?)");
    if (h.phentsize != sizeof(elf::ProgramHeader) || h.phnum == 0 || h.phnum > 256
        || !within(h.phoff, uint64_t(h.phnum) * sizeof(elf::ProgramHeader), size))
        return refuse(name, "damaged program headers");
    if (!within(h.phoff, uint64_t(h.phnum) * sizeof(elf::ProgramHeader), available))
        return kstd::err(kstd::E2BIG);
    image.m_pie = h.type == elf::ET_DYN;
    image.m_entry = h.entry;
    image.m_phnum = h.phnum;
    bool have_phdr = false;
    for (uint16_t i = 0; i < h.phnum; ++i) {
        elf::ProgramHeader ph;
        memcpy(&ph, data + h.phoff + i * sizeof ph, sizeof ph);
        if (ph.type == elf::PT_INTERP) {
            // A NUL-terminated path inside the file (binfmt_elf's checks).
            if (ph.filesz < 2 || ph.filesz > 4096 || !within(ph.offset, ph.filesz, size))
                return refuse(name, "a damaged interpreter name (PT_INTERP)");
            if (!within(ph.offset, ph.filesz, available))
                return kstd::err(kstd::E2BIG);
            if (data[ph.offset + ph.filesz - 1] != 0)
                return refuse(name, "a damaged interpreter name (PT_INTERP)");
            auto* path = reinterpret_cast<const char*>(data + ph.offset);
            image.m_interpreter = kstd::StringView(path, kstd::StringView::cstrlen(path));
            if (image.m_interpreter.is_empty())
                return refuse(name, "a damaged interpreter name (PT_INTERP)");
        }
        if (ph.type == elf::PT_PHDR) {
            image.m_phdr_vaddr = ph.vaddr;
            have_phdr = true;
        }
        if (ph.type != elf::PT_LOAD || ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz || !within(ph.offset, ph.filesz, size) || ph.vaddr + ph.memsz < ph.vaddr
            || ph.vaddr + ph.memsz > (1ull << 46) || (ph.vaddr % 4096) != (ph.offset % 4096))
            return refuse(name, "a loadable segment lies outside the file or the address space");
        unsigned prot = ((ph.flags & elf::PF_R) ? HUSK_PROT_READ : 0) | ((ph.flags & elf::PF_W) ? HUSK_PROT_WRITE : 0)
                        | ((ph.flags & elf::PF_X) ? HUSK_PROT_EXEC : 0);
        if (!image.m_segments.append(Segment { ph.vaddr, ph.memsz, ph.offset, ph.filesz, prot }))
            return kstd::err(kstd::ENOMEM);
        if (ph.vaddr < image.m_lowest)
            image.m_lowest = ph.vaddr;
        if (ph.vaddr + ph.memsz > image.m_highest)
            image.m_highest = ph.vaddr + ph.memsz;
        // Without PT_PHDR the headers are found inside the segment that
        // loads them from the file.
        if (!have_phdr && h.phoff >= ph.offset && h.phoff < ph.offset + ph.filesz)
            image.m_phdr_vaddr = ph.vaddr + (h.phoff - ph.offset);
    }
    if (image.m_segments.is_empty())
        return refuse(name, "no loadable segment");
    bool entry_loaded = false;
    for (const Segment& s : image.m_segments)
        entry_loaded = entry_loaded || (h.entry >= s.vaddr && h.entry < s.vaddr + s.memsz && (s.prot & HUSK_PROT_EXEC));
    if (!entry_loaded)
        return refuse(name, "the entry point is not in an executable segment");
    return image;
}

bool ElfImage::symbolize(uint64_t vaddr, char* out, size_t len) const
{
    elf::Header h;
    memcpy(&h, m_data, sizeof h);
    if (h.shentsize != sizeof(elf::SectionHeader) || !within(h.shoff, uint64_t(h.shnum) * sizeof(elf::SectionHeader), m_size))
        return false;
    for (uint16_t i = 0; i < h.shnum; ++i) {
        elf::SectionHeader symtab;
        memcpy(&symtab, m_data + h.shoff + i * sizeof symtab, sizeof symtab);
        if (symtab.type != elf::SHT_SYMTAB || symtab.link >= h.shnum || !within(symtab.offset, symtab.size, m_size))
            continue;
        elf::SectionHeader strtab;
        memcpy(&strtab, m_data + h.shoff + symtab.link * sizeof strtab, sizeof strtab);
        if (!within(strtab.offset, strtab.size, m_size))
            return false;
        elf::Symbol s;
        bool found = false;
        for (uint64_t off = 0; !found && off + sizeof s <= symtab.size; off += sizeof s) {
            memcpy(&s, m_data + symtab.offset + off, sizeof s);
            found = (s.info & 0xf) == elf::STT_FUNC && s.value <= vaddr && vaddr - s.value < (s.size ? s.size : 1)
                    && s.name < strtab.size;
        }
        if (!found)
            return false;
        const char* symbol_name = reinterpret_cast<const char*>(m_data + strtab.offset + s.name);
        size_t max = strtab.size - s.name;
        size_t n = 0;
        while (n < max && symbol_name[n])
            ++n;
        kstd::format(out, len, "%.*s+0x%lx", int(n), symbol_name, (unsigned long)(vaddr - s.value));
        return true;
    }
    return false;
}

} // namespace husk
