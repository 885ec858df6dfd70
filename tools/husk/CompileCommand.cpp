#include "CompileCommand.h"
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unistd.h>

namespace husk::tools {

namespace {
Runner declare(CLI::App& app, bool cxx)
{
    describe(app, std::string("usage: husk ") + (cxx ? "c++" : "cc") + " [COMPILER ARGS...]\n"
                      + "Compiles and links a static x86-64 Linux executable that husk run boots as a unikernel: "
                      + (cxx ? "g++ -static ARGS. C++ links glibc statically (Debian has no C++ library for musl)."
                             : "musl-gcc -static ARGS (install musl-tools)."));
    // Everything is the compiler's, its options included.
    app.prefix_command();
    app.allow_extras();
    auto* self = &app;
    return [self, cxx] { return compile(cxx, self->remaining()); };
}
} // namespace

Runner declare_cc(CLI::App& app) { return declare(app, false); }
Runner declare_cxx(CLI::App& app) { return declare(app, true); }

int compile(bool cxx, const std::vector<std::string>& user_args)
{
    const char* compiler = cxx ? "g++" : "musl-gcc";
    std::vector<std::string> args = { compiler, "-static" };
    args.insert(args.end(), user_args.begin(), user_args.end());
    std::vector<char*> cargs;
    for (auto& a : args)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execvp(compiler, cargs.data());
    std::fprintf(stderr, "husk %s: cannot run %s: %s%s\n", cxx ? "c++" : "cc", compiler, std::strerror(errno),
                 cxx ? "" : " (install musl-tools)");
    return 127;
}

} // namespace husk::tools
