// The husk command-line tool: one table of commands (Cli.h), each
// declaring its options in its own file.
#include <cstdio>
#include <string>
#include <vector>
#include <husk/version.h>
#include "BakeCommand.h"
#include "Cli.h"
#include "CompileCommand.h"
#include "ImageCommand.h"
#include "InstanceCommands.h"
#include "PkgCommand.h"
#include "RunCommand.h"
#include "RunTimes.h"
#include "oci/OciCommand.h"
#include "remote/Ctl.h"
#include "remote/ServerCommand.h"
#include "SyscallDocs.h"

namespace {

using husk::tools::Runner;

Runner declare_version(CLI::App& app)
{
    husk::tools::describe(app, "Prints the Husk version.");
    return [] {
        std::printf("husk %s\n", HUSK_VERSION); // CMakeLists.txt's project VERSION (husk/version.h)
        return 0;
    };
}

Runner declare_syscalls(CLI::App& app)
{
    husk::tools::describe(app, "Lists every Linux x86_64 syscall with its support status in Husk.");
    auto markdown = std::make_shared<bool>(false);
    app.add_flag("--markdown", *markdown, "print docs/syscalls.md");
    return [markdown] {
        std::fputs((*markdown ? husk::tools::syscall_markdown() : husk::tools::syscall_table_text()).c_str(), stdout);
        return 0;
    };
}

const std::vector<husk::tools::Command>& commands()
{
    static const std::vector<husk::tools::Command> table = {
        { "version", "print the Husk version", declare_version },
        { "cc", "compile a static C program for husk run (musl-gcc -static)", husk::tools::declare_cc },
        { "c++", "compile a static C++ program for husk run (g++ -static, glibc)", husk::tools::declare_cxx },
        { "bake", "link a static program and the kernel into one bootable image", husk::tools::declare_bake },
        { "image", "build a root file system image from Debian's packages (for run --rootfs)", husk::tools::declare_image },
        { "pkg", "list, build and run the packaged third-party programs (packages/)", husk::tools::declare_pkg },
        { "run", "boot a Husk image, or a static program as a unikernel, in QEMU", husk::tools::declare_run },
        { "ps", "list the background instances (husk run -d)", husk::tools::declare_ps },
        { "logs", "print a background instance's output", husk::tools::declare_logs },
        { "stop", "stop background instances gracefully (SIGTERM to pid 1, sync, halt)", husk::tools::declare_stop },
        { "kill", "kill a background instance, or send its pid 1 a signal", husk::tools::declare_kill },
        { "rm", "remove ended background instances", husk::tools::declare_rm },
        { "inspect", "print what is recorded of background instances (JSON)", husk::tools::declare_inspect },
        { "oci", "the OCI runtime command line (runc's): containers as microVMs (husk-oci)", husk::tools::declare_oci },
        { "server", "a Husk kernel in its own process, serving husk ctl and libhusk-hijack.so", husk::remote::declare_server },
        { "ctl", "ls, cat, cp, dd, mkdir, ifconfig, ... against a husk server's kernel", husk::remote::declare_ctl },
        { "syscalls", "list the Linux syscalls and their support status", declare_syscalls },
    };
    return table;
}

} // namespace

int main(int argc, char** argv)
{
    husk::tools::run_time("main");
    // Called as x86_64-husk-linux-musl-gcc (or -cc, -g++, -c++): the
    // cross-compiler names ./configure --host=x86_64-husk-linux-musl uses.
    std::string self = argv[0];
    self = self.substr(self.rfind('/') + 1);
    const std::string triple = "x86_64-husk-linux-musl-";
    if (self.rfind(triple, 0) == 0) {
        std::string tool = self.substr(triple.size());
        return husk::tools::compile(tool == "g++" || tool == "c++", std::vector<std::string>(argv + 1, argv + argc));
    }
    if (self == "husk-oci") // the OCI runtime's own name (podman --runtime husk-oci)
        return husk::tools::oci_main(std::vector<std::string>(argv + 1, argv + argc));
    if (argc == 2 && std::string(argv[1]) == "--version")
        return declare_version(*std::make_unique<CLI::App>())();
    // Every command checks its values and says what is wrong; this is the
    // backstop that keeps a missed check from ending in "terminate called"
    // and a core dump (134).
    try {
        int status = husk::tools::run_cli(argc, argv, commands());
        husk::tools::write_run_times();
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "husk %s: %s\n", argc > 1 ? argv[1] : "", e.what());
        return 1;
    }
}
