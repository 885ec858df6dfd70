// A Linux executable for the machine the kernel runs on, checked: its
// loadable segments, entry point and program headers, the interpreter a
// dynamically linked one names (PT_INTERP), and its symbols (for fault
// reports).
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Memory.h"
#include "../kstd/StringView.h"
#include "../kstd/Vector.h"
#include "Elf.h"

namespace husk {

class ElfImage : public kstd::HeapObject {
public:
    struct Segment {
        uint64_t vaddr, memsz, offset, filesz;
        unsigned prot; // HUSK_PROT_*
    };

    // Checks the image; on failure logs why (naming `name`) and returns
    // ENOEXEC (not ELF, another architecture or word size, damaged) or ENOMEM.
    static kstd::ErrorOr<ElfImage> parse(const uint8_t* data, size_t size, const char* name);
    // The same with only the file's first `available` bytes at data (its
    // size is `size`): E2BIG, unlogged, when the headers or the
    // interpreter's name lie past them (the whole file is needed).
    static kstd::ErrorOr<ElfImage> parse(const uint8_t* data, size_t available, size_t size, const char* name);
    // Whether two segments share a page (the loader then copies the
    // second's bytes from data()).
    bool segments_share_pages() const;

    bool position_independent() const { return m_pie; }
    // The path PT_INTERP names (the dynamic linker), empty for a static one.
    kstd::StringView interpreter() const { return m_interpreter; }
    uint64_t entry() const { return m_entry; }
    // Where the program headers are once loaded (before relocation), their
    // size and count: AT_PHDR, AT_PHENT, AT_PHNUM.
    uint64_t phdr_vaddr() const { return m_phdr_vaddr; }
    uint16_t phent() const { return sizeof(elf::ProgramHeader); }
    uint16_t phnum() const { return m_phnum; }
    const kstd::Vector<Segment>& segments() const { return m_segments; }
    uint64_t lowest() const { return m_lowest; }
    uint64_t highest() const { return m_highest; }
    // The file's bytes held (all of them, or its first part: see parse).
    const uint8_t* data() const { return m_data; }

    // "name+0x1c" for an (unrelocated) address, from .symtab; false if unknown.
    bool symbolize(uint64_t vaddr, char* out, size_t len) const;

private:
    const uint8_t* m_data { nullptr };
    size_t m_size { 0 };
    bool m_pie { false };
    uint64_t m_entry { 0 }, m_phdr_vaddr { 0 };
    uint16_t m_phnum { 0 };
    kstd::StringView m_interpreter;
    uint64_t m_lowest { ~0ull }, m_highest { 0 };
    kstd::Vector<Segment> m_segments;
};

} // namespace husk
