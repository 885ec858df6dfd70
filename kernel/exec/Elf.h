// ELF64 structures (System V gABI), as far as loading a static Linux
// executable needs them.
#pragma once

#include "../kstd/Types.h"

namespace husk::elf {

struct Header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct ProgramHeader {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct SectionHeader {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
};

struct Symbol {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
};

inline constexpr uint16_t ET_EXEC = 2, ET_DYN = 3;
inline constexpr uint32_t PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7,
                          PT_GNU_STACK = 0x6474e551;
inline constexpr uint32_t PF_X = 1, PF_W = 2, PF_R = 4;
inline constexpr uint32_t SHT_SYMTAB = 2;
inline constexpr uint8_t STT_FUNC = 2;

} // namespace husk::elf
