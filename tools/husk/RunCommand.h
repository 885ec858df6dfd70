// `husk run`: boots a Husk image in a QEMU microVM (rumprun's `rumprun
// qemu|kvm`), forwards the console, and exits with the guest's status.
#pragma once

namespace husk::tools {

int run_command(int argc, char** argv);

} // namespace husk::tools
