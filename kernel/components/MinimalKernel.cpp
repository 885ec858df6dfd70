// The minimal kernel (husk run --kernel minimal, husk bake --kernel
// minimal): the core alone, without the TCP/IP stack (AF_INET and AF_INET6
// answer EAFNOSUPPORT), 9P, ISO 9660 or the overlay (mount(2) of one:
// ENODEV), as a Linux kernel built without them (init/Components.h).
#include "../init/Components.h"

namespace husk {

void Components::install() {}

const char* Components::name() { return "minimal"; }

} // namespace husk
