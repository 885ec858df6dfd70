// husk bake [--list] CONFIG PROGRAM -o IMAGE: links a static program into
// one bootable image with the kernel (rumprun-bake's job). The image keeps
// the kernel's symbols for backtraces and carries the program whole, with
// its own symbols (gdb: add-symbol-file PROGRAM).
#pragma once

#include "Cli.h"

namespace husk::tools {

Runner declare_bake(CLI::App& app);

} // namespace husk::tools
