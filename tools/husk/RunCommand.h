// `husk run`: boots a Husk image in a QEMU microVM (rumprun's `rumprun
// qemu|kvm`), forwards the console, and exits with the guest's status.
#pragma once

#include "Cli.h"

namespace husk::tools {

Runner declare_run(CLI::App& app);

} // namespace husk::tools
