// husk image: builds a root file system image for husk run --rootfs.
#pragma once

#include "Cli.h"

namespace husk::tools {

// husk image debian [options] PACKAGE... -o IMAGE
Runner declare_image(CLI::App& app);

} // namespace husk::tools
