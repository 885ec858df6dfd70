#include "ProgramLibraries.h"
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <cstring>
#include <elf.h>
#include <climits>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include "ImageFiles.h"

namespace husk::tools {

std::string program_interpreter(const std::string& data)
{
    Elf64_Ehdr h;
    if (data.size() < sizeof h || std::memcmp(data.data(), ELFMAG, SELFMAG) != 0)
        return "";
    std::memcpy(&h, data.data(), sizeof h);
    if (h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_machine != EM_X86_64)
        return "";
    for (unsigned i = 0; i < h.e_phnum; ++i) {
        Elf64_Phdr ph;
        if (h.e_phoff + (i + 1) * sizeof ph > data.size())
            return "";
        std::memcpy(&ph, data.data() + h.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_INTERP && ph.p_offset < data.size() && ph.p_filesz <= data.size() - ph.p_offset)
            return std::string(data.c_str() + ph.p_offset, strnlen(data.c_str() + ph.p_offset, ph.p_filesz));
    }
    return "";
}

std::vector<GuestFile> program_libraries(const std::string& program, const std::string& interpreter)
{
    std::vector<GuestFile> files;
    if (interpreter.empty() || interpreter[0] != '/' || access(interpreter.c_str(), R_OK) != 0)
        return files; // the guest reports the missing interpreter
    files.push_back({ interpreter, interpreter });
    std::string base = interpreter.substr(interpreter.rfind('/') + 1);
    if (base.compare(0, 3, "ld-") != 0)
        return files;
    // glibc: "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)",
    // "\t/lib64/ld-linux-x86-64.so.2 (0x...)", "\tlinux-vdso.so.1 (0x...)",
    // "\tlibx.so => not found"; musl the same shapes.
    std::string cmd = shell_word(interpreter) + " --list " + shell_word(program) + " 2>/dev/null";
    FILE* list = popen(cmd.c_str(), "r");
    if (!list)
        return files;
    std::set<std::string> seen { interpreter };
    char line[4096];
    while (std::fgets(line, sizeof line, list)) {
        std::string text(line);
        size_t arrow = text.find("=> ");
        size_t start = arrow != std::string::npos ? arrow + 3 : text.find_first_not_of(" \t");
        if (start == std::string::npos || start >= text.size() || text[start] != '/')
            continue;
        size_t end = text.find(" (", start);
        std::string path = text.substr(start, end == std::string::npos ? text.find('\n', start) - start : end - start);
        // "$ORIGIN/../lib" gives ".."s: the guest's file goes where they lead.
        std::string guest = std::filesystem::path(path).lexically_normal().string();
        if (seen.insert(guest).second)
            files.push_back({ path, guest });
    }
    pclose(list);
    return files;
}

namespace {
class NewcWriter {
public:
    explicit NewcWriter(const std::string& path) : m_out(path, std::ios::binary) {}
    void entry(const std::string& name, unsigned mode, const std::string& data)
    {
        char header[111];
        std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", m_ino++,
                      mode, 0u, 0u, 1u, 0u, unsigned(data.size()), 0u, 0u, 0u, 0u, unsigned(name.size() + 1), 0u);
        m_out.write(header, 110);
        m_out.write(name.c_str(), std::streamsize(name.size() + 1));
        pad(110 + name.size() + 1);
        m_out.write(data.data(), std::streamsize(data.size()));
        pad(data.size());
    }
    bool finish()
    {
        entry("TRAILER!!!", 0, "");
        m_out.close();
        return bool(m_out);
    }

private:
    void pad(size_t length)
    {
        static const char zeros[4] = {};
        m_out.write(zeros, std::streamsize((4 - length % 4) % 4));
    }
    std::ofstream m_out;
    unsigned m_ino { 1 };
};
} // namespace

std::string write_program_archive(const std::string& program, const std::string& name,
                                  const std::vector<GuestFile>& files, const std::string& out_path)
{
    NewcWriter out(out_path);
    std::string why;
    std::string data = read_file(program, why);
    if (!why.empty())
        return program + ": " + why;
    // A program whose libraries are found relative to itself (RUNPATH
    // $ORIGIN/...) keeps its host path, with /bin/NAME a symbolic link to
    // it: its dynamic linker takes $ORIGIN from /proc/self/exe.
    char real[PATH_MAX];
    if (data.find("$ORIGIN") != std::string::npos && realpath(program.c_str(), real) && real[0] == '/'
        && std::string(real) != "/bin/" + name) {
        out.entry(std::string(real + 1), S_IFREG | 0755, data);
        out.entry("bin/" + name, S_IFLNK | 0777, real);
    } else {
        out.entry("bin/" + name, S_IFREG | 0755, data);
    }
    for (const GuestFile& f : files) {
        data = read_file(f.host, why); // a symbolic link's target's bytes
        if (!why.empty())
            return f.host + ": " + why;
        struct stat st;
        unsigned mode = stat(f.host.c_str(), &st) == 0 ? unsigned(st.st_mode & 07777) : 0755u;
        out.entry(f.guest.substr(1), S_IFREG | mode, data);
    }
    if (!out.finish())
        return out_path + ": cannot write the archive";
    return "";
}

std::string dynamic_program_archive(const std::string& program, const std::string& name, std::string& why)
{
    std::string data = read_file(program, why);
    if (!why.empty())
        return "";
    std::string interpreter = program_interpreter(data);
    if (interpreter.empty())
        return "";
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = tmp && *tmp ? tmp : "/tmp";
    // Inherited by QEMU (no O_CLOEXEC), which opens it by its /proc path.
    int fd = open(dir.c_str(), O_TMPFILE | O_RDWR, 0600);
    if (fd < 0) {
        why = dir + ": cannot make a temporary file: " + std::strerror(errno);
        return "";
    }
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    why = write_program_archive(program, name, program_libraries(program, interpreter), path);
    return why.empty() ? path : "";
}

} // namespace husk::tools
