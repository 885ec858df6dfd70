// Network hypercalls: virtio-net comes with the networking work; until
// then there are no interfaces.
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"

extern "C" int husk_plat_net_info(unsigned, husk_net_info*) { return -kstd::ENODEV; }
extern "C" int husk_plat_net_send(unsigned, const void*, size_t) { return -kstd::ENODEV; }
extern "C" long husk_plat_net_recv(unsigned, void*, size_t) { return -kstd::ENODEV; }
