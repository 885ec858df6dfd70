// The husk command-line tool. Subcommands grow with the project
// (cc, bake, run, server, ctl); each has --help.
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>
#include <husk/version.h>
#include "BakeCommand.h"
#include "CompileCommand.h"
#include "RunCommand.h"
#include "remote/Ctl.h"
#include "remote/ServerCommand.h"
#include "SyscallDocs.h"

namespace {

constexpr const char* kVersion = HUSK_VERSION; // CMakeLists.txt's project VERSION (husk/version.h)

int usage(FILE* out, int status)
{
    std::fprintf(out,
                 "usage: husk <command> [args]\n"
                 "\n"
                 "commands:\n"
                 "  version            print the Husk version\n"
                 "  cc, c++ [ARGS]     compile a static program for husk run (musl; C++: glibc)\n"
                 "  bake CONFIG PROGRAM -o IMAGE\n"
                 "                     link a static program and the kernel into one image\n"
                 "  run qemu|kvm [options] IMAGE|PROGRAM [--] [ARGS]\n"
                 "                     boot a Husk image, or a static program as a unikernel\n"
                 "  server [options]   a Husk kernel in its own process, serving husk ctl\n"
                 "  ctl COMMAND [ARGS] ls, cat, cp, mkdir, rm, ... against a husk server\n"
                 "  syscalls [--markdown]\n"
                 "                     list the Linux syscalls and their support status\n"
                 "  help               this text\n"
                 "\n"
                 "Run 'husk <command> --help' for a command's options.\n");
    return status;
}

bool wants_help(int argc, char** argv)
{
    for (int i = 2; i < argc; ++i)
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h"))
            return true;
    return false;
}

int cmd_version(int argc, char** argv)
{
    if (wants_help(argc, argv)) {
        std::printf("usage: husk version\n\nPrints the Husk version.\n");
        return 0;
    }
    if (argc > 2) {
        std::fprintf(stderr, "husk version: unexpected argument '%s'\n", argv[2]);
        return 2;
    }
    std::printf("husk %s\n", kVersion);
    return 0;
}

int cmd_syscalls(int argc, char** argv)
{
    if (wants_help(argc, argv)) {
        std::printf("usage: husk syscalls [--markdown]\n\n"
                    "Lists every Linux x86_64 syscall with its support status in Husk.\n"
                    "--markdown prints docs/syscalls.md.\n");
        return 0;
    }
    bool markdown = false;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--markdown")) {
            markdown = true;
        } else {
            std::fprintf(stderr, "husk syscalls: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    std::fputs(markdown ? husk::tools::syscall_markdown().c_str() : husk::tools::syscall_table_text().c_str(), stdout);
    return 0;
}

int dispatch(int argc, char** argv)
{
    // Called as x86_64-husk-linux-musl-gcc (or -cc, -g++, -c++): the
    // cross-compiler names ./configure --host=x86_64-husk-linux-musl uses.
    std::string self = argv[0];
    self = self.substr(self.rfind('/') + 1);
    const std::string triple = "x86_64-husk-linux-musl-";
    if (self.rfind(triple, 0) == 0) {
        std::string tool = self.substr(triple.size());
        std::vector<char*> args = { argv[0], const_cast<char*>(tool == "g++" || tool == "c++" ? "c++" : "cc") };
        args.insert(args.end(), argv + 1, argv + argc);
        args.push_back(nullptr);
        return husk::tools::compile_command(int(args.size() - 1), args.data());
    }
    if (argc < 2)
        return usage(stderr, 2);
    std::string cmd = argv[1];
    if (cmd == "version" || cmd == "--version")
        return cmd_version(argc, argv);
    if (cmd == "cc" || cmd == "c++")
        return husk::tools::compile_command(argc, argv);
    if (cmd == "server")
        return husk::remote::server_command(argc, argv);
    if (cmd == "ctl")
        return husk::remote::ctl_command(argc, argv);
    if (cmd == "bake")
        return husk::tools::bake_command(argc, argv);
    if (cmd == "run")
        return husk::tools::run_command(argc, argv);
    if (cmd == "syscalls")
        return cmd_syscalls(argc, argv);
    if (cmd == "help" && argc > 2) { // husk help CMD: CMD's own help
        std::vector<char*> args = { argv[0], argv[2], const_cast<char*>("--help"), nullptr };
        return dispatch(3, args.data());
    }
    if (cmd == "help" || cmd == "--help" || cmd == "-h")
        return usage(stdout, 0);
    std::fprintf(stderr, "husk: unknown command '%s'\n", argv[1]);
    return usage(stderr, 2);
}

} // namespace

int main(int argc, char** argv)
{
    // Every subcommand checks its values and says what is wrong; this is
    // the backstop that keeps a missed check from ending in "terminate
    // called" and a core dump (134).
    const char* cmd = argc > 1 ? argv[1] : "";
    try {
        return dispatch(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "husk %s: a value is not a number (%s)\nTry 'husk %s --help'.\n", cmd, e.what(), cmd);
        return 2;
    } catch (const std::out_of_range& e) {
        std::fprintf(stderr, "husk %s: a value is out of range (%s)\nTry 'husk %s --help'.\n", cmd, e.what(), cmd);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "husk %s: %s\n", cmd, e.what());
        return 1;
    }
}
