// Block hypercalls (virtio-blk drivers register here).
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"

extern "C" int husk_plat_block_info(unsigned, husk_block_info*) { return -kstd::ENODEV; }
extern "C" int husk_plat_block_submit(unsigned, husk_block_req*) { return -kstd::ENODEV; }
extern "C" size_t husk_plat_block_reap(unsigned, husk_block_req**, size_t) { return 0; }
extern "C" int husk_plat_net_info(unsigned, husk_net_info*) { return -kstd::ENODEV; }
extern "C" int husk_plat_net_send(unsigned, const void*, size_t) { return -kstd::ENODEV; }
extern "C" long husk_plat_net_recv(unsigned, void*, size_t) { return -kstd::ENODEV; }
