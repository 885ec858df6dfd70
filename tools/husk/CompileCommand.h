// husk cc / husk c++: compile and link a static executable ready for husk
// run. C goes through musl (musl-gcc -static: small binaries, Debian's
// musl-tools); C++ through g++ -static (glibc), since Debian ships no C++
// library for musl. Everything after the command goes to the compiler.
#pragma once

namespace husk::tools {

int compile_command(int argc, char** argv);

} // namespace husk::tools
