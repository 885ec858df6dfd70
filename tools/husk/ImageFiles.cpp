#include "ImageFiles.h"
#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <cstring>
#include <cerrno>
#include <elf.h>
#include <filesystem>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace husk::tools {

std::string read_file(const std::string& path, std::string& why)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        why = std::string("cannot read it: ") + std::strerror(errno);
        if (fd >= 0)
            close(fd);
        return "";
    }
    std::string data;
    if (S_ISDIR(st.st_mode)) {
        why = "is a directory";
    } else {
        char buf[65536];
        for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                why = std::string("cannot read it: ") + std::strerror(errno);
                data.clear();
                break;
            }
            data.append(buf, size_t(n));
        }
        if (why.empty() && data.empty())
            why = "empty file";
    }
    close(fd);
    return data;
}

std::string shell_word(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string tool_dir()
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    std::string path = n > 0 ? std::string(self, size_t(n)) : std::string("./husk");
    return path.substr(0, path.rfind('/') + 1);
}

std::string kit_file(const std::string& name)
{
    std::string built = tool_dir() + "platform/x86_64/", installed = tool_dir() + "../lib/husk/";
    // The build tree has CMake's cache beside husk; an installed tree never does.
    std::string dir = access((tool_dir() + "CMakeCache.txt").c_str(), F_OK) == 0 ? built : installed;
    return std::filesystem::path(dir + name).lexically_normal().string();
}

const KernelKind& kernel_kind(const std::string& name)
{
    for (const auto& k : kKernels)
        if (name == k.name)
            return k;
    return kKernels[0];
}

std::vector<std::string> kernel_names()
{
    std::vector<std::string> names;
    for (const auto& k : kKernels)
        names.push_back(k.name);
    return names;
}

std::string program_image(const std::string& kernel)
{
    const KernelKind& k = kernel_kind(kernel);
    if (const char* env = std::getenv("HUSK_PROGRAM_IMAGE"); env && &k == &kKernels[0])
        return env;
    return kit_file(k.image);
}

namespace {
// What husk bake wrote after the program ("husk-baked-KEY=VALUE").
// memmem's two-way search: a baked image is a MiB, searched at every run.
const char* find(std::string_view data, std::string_view what, const char* from = nullptr)
{
    const char* start = from ? from : data.data();
    return static_cast<const char*>(memmem(start, size_t(data.data() + data.size() - start), what.data(), what.size()));
}

std::string baked_value(std::string_view data, const std::string& key)
{
    std::string marker = "husk-baked-" + key + "=";
    const char* last = nullptr;
    for (const char* at = find(data, marker); at; at = find(data, marker, at + 1))
        last = at;
    if (!last)
        return "";
    last += marker.size();
    return std::string(last, strnlen(last, std::min<size_t>(256, size_t(data.data() + data.size() - last))));
}

std::string program_problem(std::string_view data)
{
    if (data.size() < sizeof(Elf64_Ehdr) || std::memcmp(data.data(), ELFMAG, SELFMAG) != 0)
        return "not an ELF file";
    Elf64_Ehdr h;
    std::memcpy(&h, data.data(), sizeof h);
    if (h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_machine != EM_X86_64)
        return "not a 64-bit x86-64 executable";
    if (h.e_type != ET_EXEC && h.e_type != ET_DYN)
        return "not an executable";
    for (unsigned i = 0; i < h.e_phnum; ++i) {
        if (h.e_phoff + (i + 1) * sizeof(Elf64_Phdr) > data.size())
            return "damaged program headers";
        Elf64_Phdr ph;
        std::memcpy(&ph, data.data() + h.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_INTERP)
            return "dynamically linked: link it with -static (husk cc does)";
    }
    return "";
}

FileKind& inspect_bytes(std::string_view data, FileKind& kind)
{
    kind.elf = data.size() >= SELFMAG && std::memcmp(data.data(), ELFMAG, SELFMAG) == 0;
    static const char note[] = { 4, 0, 0, 0, 4, 0, 0, 0, 18, 0, 0, 0, 'X', 'e', 'n', 0 };
    kind.husk_image = find(data, std::string_view(note, sizeof note)) != nullptr;
    if (kind.husk_image) {
        kind.baked_config = baked_value(data, "config");
        kind.baked_name = baked_value(data, "name");
        kind.baked_cpus = baked_value(data, "cpus");
        kind.baked_kernel = baked_value(data, "kernel");
    }
    kind.program_problem = program_problem(data);
    return kind;
}
} // namespace

FileKind inspect(const std::string& path)
{
    FileKind kind;
    // Mapped, not read: every husk run inspects its image or program
    // before QEMU starts (reading a baked image into a string and searching
    // it cost milliseconds).
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        kind.program_problem = std::string("cannot read it: ") + std::strerror(errno);
        if (fd >= 0)
            close(fd);
        return kind;
    }
    if (S_ISDIR(st.st_mode) || st.st_size == 0) {
        kind.program_problem = S_ISDIR(st.st_mode) ? "is a directory" : "empty file";
        close(fd);
        return kind;
    }
    size_t size = size_t(st.st_size);
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) { // not mappable (a pipe, a device): read
        std::string data = read_file(path, kind.program_problem);
        if (!kind.program_problem.empty())
            return kind;
        return inspect_bytes(data, kind);
    }
    inspect_bytes(std::string_view(static_cast<const char*>(map), size), kind);
    munmap(map, size);
    return kind;
}

} // namespace husk::tools
