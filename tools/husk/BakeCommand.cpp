#include "BakeCommand.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>
#include "ImageFiles.h"

namespace husk::tools {

namespace {
constexpr int kUsageError = 2;

struct Config {
    const char* name;
    const char* machine;
    const char* what;
};
// Both boot the same kernel; the configuration tells husk run which
// machine to start by default.
constexpr Config kConfigs[] = {
    { "hw_virtio", "microvm", "QEMU microvm, virtio-mmio devices (the fastest boot)" },
    { "hw_generic", "q35", "PC machines (q35, pc) through firmware, virtio-pci devices" },
};

void usage(FILE* out)
{
    std::fprintf(out,
                 "usage: husk bake [--list] CONFIG PROGRAM -o IMAGE\n"
                 "\n"
                 "Links the static x86-64 Linux executable PROGRAM with the Husk kernel into\n"
                 "one bootable image: husk run IMAGE -- ARGS boots it. CONFIG is hw_virtio\n"
                 "(default machine microvm) or hw_generic (q35/pc); --list describes them.\n");
}

int error(const char* fmt, const std::string& arg)
{
    std::fprintf(stderr, "husk bake: ");
    std::fprintf(stderr, fmt, arg.c_str());
    std::fprintf(stderr, "\n");
    return 1;
}

bool run(const std::string& command)
{
    return std::system(command.c_str()) == 0;
}

std::string quoted(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}
} // namespace

int bake_command(int argc, char** argv)
{
    std::vector<std::string> positional;
    std::string output;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        }
        if (a == "--list") {
            for (const auto& c : kConfigs)
                std::printf("%-11s %s\n", c.name, c.what);
            return 0;
        }
        if (a == "-o") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "husk bake: -o needs a value\n");
                return kUsageError;
            }
            output = argv[++i];
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "husk bake: unknown option '%s'\nTry 'husk bake --help'.\n", a.c_str());
            return kUsageError;
        } else {
            positional.push_back(a);
        }
    }
    if (positional.size() != 2 || output.empty()) {
        usage(stderr);
        return kUsageError;
    }
    const Config* config = nullptr;
    for (const auto& c : kConfigs)
        if (positional[0] == c.name)
            config = &c;
    if (!config) {
        std::fprintf(stderr, "husk bake: unknown configuration '%s' (husk bake --list)\n", positional[0].c_str());
        return kUsageError;
    }
    const std::string& program = positional[1];
    if (program.find_first_of("\"\\\n") != std::string::npos)
        return error("%s: quotes, backslashes and newlines in the path are not supported", program);
    if (std::string why = inspect(program).program_problem; !why.empty())
        return error("%s", program + ": " + why);

    std::string kit = tool_dir() + "platform/x86_64/bake/";
    if (access((kit + "husk-program.o").c_str(), R_OK) != 0)
        return error("cannot find the kernel's bake kit in %s", kit);
    char work[] = "/tmp/husk-bake-XXXXXX";
    if (!mkdtemp(work))
        return error("cannot create a temporary directory%s", "");
    std::string dir = work;
    {
        std::ofstream blob(dir + "/baked.S");
        blob << "    .section .husk_baked, \"a\"\n    .balign 4096\n"
             << "    .globl husk_baked_file_start\nhusk_baked_file_start:\n"
             << "    .incbin \"" << program << "\"\n"
             << "    .globl husk_baked_file_end\nhusk_baked_file_end:\n"
             << "    .asciz \"husk-baked-config=" << config->name << "\"\n" // husk run's default machine
             << "    .asciz \"husk-baked-name=" << program.substr(program.rfind('/') + 1) << "\"\n" // argv[0]
             << "    .section .note.GNU-stack, \"\", @progbits\n";
    }
    std::string cc = std::getenv("CC") ? std::getenv("CC") : "cc";
    std::string link = cc + " -nostdlib -static -no-pie -Wl,-T," + quoted(kit + "kernel.ld")
                       + " -Wl,--gc-sections -Wl,-z,max-page-size=4096 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--strip-debug "
                       + quoted(kit + "husk-program.o") + " " + quoted(dir + "/baked.S") + " ";
    bool ok = run(link + quoted(kit + "ksyms-empty.S") + " -o " + quoted(dir + "/pass1"))
              && run(quoted(kit + "gen-ksyms") + " " + quoted(dir + "/pass1") + " " + quoted(dir + "/ksyms.S"))
              && run(link + quoted(dir + "/ksyms.S") + " -o " + quoted(output));
    run("rm -rf " + quoted(dir));
    if (!ok)
        return error("linking %s failed (see above)", output);
    std::printf("husk bake: %s: %s with the Husk kernel, for %s\n", output.c_str(), program.c_str(), config->what);
    return 0;
}

} // namespace husk::tools
