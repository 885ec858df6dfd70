#include "CompileCommand.h"
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace husk::tools {

int compile_command(int argc, char** argv)
{
    std::string which = argv[1];
    bool cxx = which == "c++";
    const char* compiler = cxx ? "g++" : "musl-gcc";
    if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h"))) {
        std::printf("usage: husk %s [COMPILER ARGS...]\n\n"
                    "Compiles and links a static x86-64 Linux executable that husk run boots as a\n"
                    "unikernel: %s -static ARGS. %s\n",
                    which.c_str(), compiler,
                    cxx ? "C++ links glibc statically (Debian has no C++ library for musl)."
                        : "C links musl statically (install musl-tools).");
        return 0;
    }
    std::vector<std::string> args = { compiler, "-static" };
    args.insert(args.end(), argv + 2, argv + argc);
    std::vector<char*> cargs;
    for (auto& a : args)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execvp(compiler, cargs.data());
    std::fprintf(stderr, "husk %s: cannot run %s: %s%s\n", which.c_str(), compiler, std::strerror(errno),
                 cxx ? "" : " (install musl-tools)");
    return 127;
}

} // namespace husk::tools
