// Network interfaces of the hosted kernel: none yet. The TAP, virtual
// cable and libslirp backends arrive with the networking issue.
#include <husk/platform.h>
#include <cerrno>

extern "C" int husk_plat_net_info(unsigned, husk_net_info*) { return -ENODEV; }
extern "C" int husk_plat_net_send(unsigned, const void*, size_t) { return -ENODEV; }
extern "C" long husk_plat_net_recv(unsigned, void*, size_t) { return -ENODEV; }
