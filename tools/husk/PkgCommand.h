// husk pkg: the packages/ recipes (packages/README.md): list them, build
// one into a cache kept per recipe version, run one with its default flags.
#pragma once

#include "Cli.h"

namespace husk::tools {

// husk pkg list | build NAME | run NAME [qemu|kvm] [husk run flags] [-- ARGS]
Runner declare_pkg(CLI::App& app);

} // namespace husk::tools
