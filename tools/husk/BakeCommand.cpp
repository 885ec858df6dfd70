#include "BakeCommand.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <string>
#include <unistd.h>
#include <vector>
#include "ImageFiles.h"
#include <memory>

namespace husk::tools {

namespace {

struct Config {
    const char* name;
    const char* machine;
    const char* what;
};
// Both boot the same kernel (--kernel's); the configuration tells husk run
// which machine to start by default.
constexpr Config kConfigs[] = {
    { "hw_virtio", "microvm", "QEMU microvm, virtio-mmio devices (the fastest boot)" },
    { "hw_generic", "q35", "PC machines (q35, pc) through firmware, virtio-pci devices" },
};

// DIR as a cpio archive in the "newc" format (Linux's initramfs format),
// paths relative to DIR; false with a message when something is unreadable.
bool write_newc(const std::string& dir, const std::string& out_path)
{
    std::ofstream out(out_path, std::ios::binary);
    unsigned ino = 1;
    auto entry = [&](const std::string& name, const struct stat& st, const std::string& data) {
        char header[111];
        std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino++,
                      unsigned(st.st_mode), 0u, 0u, 1u, unsigned(st.st_mtime), unsigned(data.size()), 0u, 0u, 0u, 0u,
                      unsigned(name.size() + 1), 0u);
        out.write(header, 110);
        out.write(name.c_str(), std::streamsize(name.size() + 1));
        static const char zeros[4] = {};
        out.write(zeros, std::streamsize((4 - (110 + name.size() + 1) % 4) % 4));
        out.write(data.data(), std::streamsize(data.size()));
        out.write(zeros, std::streamsize((4 - data.size() % 4) % 4));
    };
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::string path = it->path().string();
        std::string name = std::filesystem::relative(it->path(), dir, ec).string();
        struct stat st;
        if (ec || lstat(path.c_str(), &st) != 0) {
            std::fprintf(stderr, "husk bake: --rootfs: cannot read %s\n", path.c_str());
            return false;
        }
        std::string data;
        if (S_ISREG(st.st_mode)) {
            std::string why;
            data = read_file(path, why);
            if (!why.empty() && why != "empty file") {
                std::fprintf(stderr, "husk bake: --rootfs: cannot read %s\n", path.c_str());
                return false;
            }
        } else if (S_ISLNK(st.st_mode)) {
            std::error_code lec;
            data = std::filesystem::read_symlink(path, lec).string();
        } else if (!S_ISDIR(st.st_mode)) {
            std::fprintf(stderr, "husk bake: --rootfs: %s is not a file, directory or symbolic link\n", path.c_str());
            return false;
        }
        entry(name, st, data);
    }
    if (ec) {
        std::fprintf(stderr, "husk bake: --rootfs: cannot walk %s: %s\n", dir.c_str(), ec.message().c_str());
        return false;
    }
    struct stat none = {};
    entry("TRAILER!!!", none, "");
    out.close();
    return bool(out);
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

struct BakeArgs {
    bool list = false;
    std::string config, program, output, rootfs;
    std::string kernel = "full"; // --kernel: kKernels' name
    unsigned cpus = 0; // -c: husk run's default vCPUs (0: 1)
};

int bake(const BakeArgs& a)
{
    if (a.list) {
        for (const auto& c : kConfigs)
            std::printf("%-11s %s\n", c.name, c.what);
        std::printf("\nkernels (--kernel):\n");
        for (const auto& k : kKernels)
            std::printf("%-11s %s\n", k.name, k.what);
        return 0;
    }
    const Config* config = nullptr;
    for (const auto& c : kConfigs)
        if (a.config == c.name)
            config = &c;
    const std::string& program = a.program;
    const std::string& output = a.output;
    const std::string& rootfs = a.rootfs;
    if (program.find_first_of("\"\\\n") != std::string::npos)
        return error("%s: quotes, backslashes and newlines in the path are not supported", program);
    if (std::string why = inspect(program).program_problem; !why.empty())
        return error("%s", program + ": " + why);

    std::string kit = kit_file(KIT_BAKE);
    const KernelKind& kernel = kernel_kind(a.kernel);
    std::string object = kit + kernel.bake_object;
    if (access(object.c_str(), R_OK) != 0)
        return error("cannot find the kernel's bake kit: %s", object);
    char work[] = "/tmp/husk-bake-XXXXXX";
    if (!mkdtemp(work))
        return error("cannot create a temporary directory%s", "");
    std::string dir = work;
    std::error_code ignored; // for removing it
    if (!rootfs.empty())
        std::fprintf(stderr, "husk bake: packing %s into the root file system\n", rootfs.c_str());
    if (!rootfs.empty() && !write_newc(rootfs, dir + "/rootfs.cpio")) {
        std::filesystem::remove_all(dir, ignored);
        return 1;
    }
    {
        std::ofstream blob(dir + "/baked.S");
        if (!rootfs.empty())
            blob << "    .section .husk_baked, \"a\"\n    .balign 16\n"
                 << "    .globl husk_baked_rootfs_start\nhusk_baked_rootfs_start:\n"
                 << "    .incbin \"" << dir << "/rootfs.cpio\"\n"
                 << "    .globl husk_baked_rootfs_end\nhusk_baked_rootfs_end:\n";
        blob << "    .section .husk_baked, \"a\"\n    .balign 16\n"
             << "    .globl husk_baked_file_start\nhusk_baked_file_start:\n"
             << "    .incbin \"" << program << "\"\n"
             << "    .globl husk_baked_file_end\nhusk_baked_file_end:\n"
             << "    .asciz \"husk-baked-config=" << config->name << "\"\n" // husk run's default machine
             << "    .asciz \"husk-baked-name=" << program.substr(program.rfind('/') + 1) << "\"\n" // argv[0]
             << "    .asciz \"husk-baked-kernel=" << kernel.name << "\"\n"; // what husk run refuses for it
        if (a.cpus)
            blob << "    .asciz \"husk-baked-cpus=" << a.cpus << "\"\n"; // husk run's default -c
        blob << "    .section .note.GNU-stack, \"\", @progbits\n";
    }
    std::string cc = std::getenv("CC") ? std::getenv("CC") : "cc";
    std::string link = cc + " -nostdlib -static -no-pie -Wl,-T," + shell_word(kit + "kernel.ld")
                       + " -Wl,--gc-sections -Wl,-z,max-page-size=4096 -Wl,-n -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--strip-debug "
                       + shell_word(object) + " " + shell_word(dir + "/baked.S") + " ";
    std::fprintf(stderr, "husk bake: linking %s with the Husk kernel (%s; two passes)\n", program.c_str(), kernel.name);
    bool ok = run(link + shell_word(kit + "ksyms-empty.S") + " -o " + shell_word(dir + "/pass1"))
              && run(shell_word(kit + "gen-ksyms") + " " + shell_word(dir + "/pass1") + " " + shell_word(dir + "/ksyms.S"))
              && run(link + shell_word(dir + "/ksyms.S") + " -o " + shell_word(output));
    std::filesystem::remove_all(dir, ignored);
    if (!ok)
        return error("linking %s failed (see above)", output);
    std::printf("husk bake: %s: %s with the Husk kernel (%s), for %s\n", output.c_str(), program.c_str(), kernel.name,
                config->what);
    return 0;
}
} // namespace

Runner declare_bake(CLI::App& app)
{
    auto a = std::make_shared<BakeArgs>();
    describe(app, "Links the static x86-64 Linux executable PROGRAM with the Husk kernel into one bootable\n"
                    "image: husk run qemu IMAGE -- ARGS boots it. CONFIG hw_virtio boots on QEMU's microvm\n"
                    "(virtio-mmio), hw_generic on PC machines (q35, pc; virtio-pci).");
    std::vector<std::string> names;
    for (const auto& c : kConfigs)
        names.push_back(c.name);
    auto* list = app.add_flag("--list", a->list, "describe the configurations and exit");
    auto* config = app.add_option("CONFIG", a->config, "hw_virtio or hw_generic")->check(CLI::IsMember(names));
    auto* program = app.add_option("PROGRAM", a->program, "a static x86-64 Linux executable");
    auto* output = app.add_option("-o,--output", a->output, "the image to write")->type_name("IMAGE");
    app.add_option("-c,--cpus", a->cpus, "the virtual CPUs husk run gives the image unless its -c says otherwise")
        ->type_name("N")->check(CLI::Range(1, 16));
    app.add_option("--rootfs", a->rootfs, "pack DIR's files, directories and symbolic links into the image's root file system")
        ->type_name("DIR")->check(CLI::Validator(CLI::ExistingDirectory).description(""));
    app.add_option("--kernel", a->kernel,
                   "the kernel to link with: full (the default) or minimal, without TCP/IP networking, 9P, ISO 9660 "
                   "and the overlay root (--list says more; husk run refuses -n for its image)")
        ->type_name("KERNEL")->check(CLI::IsMember(kernel_names()));
    for (auto* needed : { config, program, output })
        needed->excludes(list);
    app.callback([=] {
        if (!a->list && (a->config.empty() || a->program.empty() || a->output.empty()))
            throw CLI::RequiredError("CONFIG, PROGRAM and -o IMAGE (or --list)");
    });
    return [a] { return bake(*a); };
}

} // namespace husk::tools
