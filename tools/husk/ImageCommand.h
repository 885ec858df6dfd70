// husk image: builds a root file system image for husk run --rootfs.
#pragma once

namespace husk::tools {

// husk image debian [options] PACKAGE... -o IMAGE
int image_command(int argc, char** argv);

} // namespace husk::tools
