// ElfImage: the interpreter a dynamically linked program names (PT_INTERP)
// is read, a damaged name is refused, and a 32-bit program is named as one.
#include <gtest/gtest.h>
#include <cstring>
#include <string>
#include "Boot.h"
#include "exec/ElfImage.h"

namespace {
// An x86-64 ET_EXEC: one executable segment (the whole file at 0x400000),
// and PT_INTERP holding `interp` (its bytes as given: NUL or not; none when
// empty).
std::string program(const std::string& interp)
{
    using namespace husk::elf;
    struct {
        Header h;
        ProgramHeader load, interp;
    } f;
    std::memset(&f, 0, sizeof f);
    std::memcpy(f.h.ident, "\x7f" "ELF", 4);
    f.h.ident[4] = 2; // 64-bit
    f.h.ident[5] = 1; // little-endian
    f.h.type = ET_EXEC;
    f.h.machine = 62; // x86-64
    f.h.phoff = offsetof(decltype(f), load);
    f.h.phentsize = sizeof(ProgramHeader);
    f.h.phnum = interp.empty() ? 1 : 2;
    f.h.entry = 0x400000 + sizeof f;
    f.load.type = PT_LOAD;
    f.load.flags = PF_R | PF_X;
    f.load.vaddr = 0x400000;
    f.load.filesz = f.load.memsz = sizeof f + interp.size() + 16;
    f.interp.type = PT_INTERP;
    f.interp.offset = sizeof f;
    f.interp.filesz = interp.size();
    std::string bytes(reinterpret_cast<const char*>(&f), sizeof f);
    return bytes + interp + std::string(16, '\xcc');
}

kstd::ErrorOr<husk::ElfImage> parse(const std::string& bytes)
{
    return husk::ElfImage::parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "test");
}
} // namespace

TEST(ElfImage, InterpreterIsRead)
{
    boot_kernel();
    std::string bytes = program(std::string("/lib64/ld-linux-x86-64.so.2", 28));
    auto image = parse(bytes);
    ASSERT_FALSE(image.is_error());
    EXPECT_TRUE(image.value().interpreter() == "/lib64/ld-linux-x86-64.so.2");
}

TEST(ElfImage, StaticProgramHasNoInterpreter)
{
    boot_kernel();
    std::string bytes = program("");
    auto image = parse(bytes);
    ASSERT_FALSE(image.is_error());
    EXPECT_TRUE(image.value().interpreter().is_empty());
}

TEST(ElfImage, DamagedInterpreterNameIsRefused)
{
    boot_kernel();
    for (const std::string& bad : { std::string("/lib/ld.so"), std::string(1, '\0'), std::string("\0x\0", 3) }) {
        std::string bytes = program(bad);
        auto image = parse(bytes);
        ASSERT_TRUE(image.is_error()) << bad.size();
        EXPECT_EQ(image.error().code(), ENOEXEC);
    }
}

TEST(ElfImage, ThirtyTwoBitProgramIsRefused)
{
    boot_kernel();
    std::string bytes = program("");
    bytes[4] = 1;     // ELFCLASS32
    bytes.resize(52); // an Elf32 header
    auto image = parse(bytes);
    ASSERT_TRUE(image.is_error());
    EXPECT_EQ(image.error().code(), ENOEXEC);
}
