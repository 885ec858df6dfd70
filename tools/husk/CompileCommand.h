// husk cc / husk c++: compile and link a static executable ready for husk
// run. C goes through musl (musl-gcc -static: small binaries, Debian's
// musl-tools); C++ through g++ -static (glibc), since Debian ships no C++
// library for musl. Everything after the command goes to the compiler.
#pragma once

#include <string>
#include <vector>
#include "Cli.h"

namespace husk::tools {

Runner declare_cc(CLI::App& app);
Runner declare_cxx(CLI::App& app);
// Runs the compiler with args (does not return when it could start it).
int compile(bool cxx, const std::vector<std::string>& args);

} // namespace husk::tools
