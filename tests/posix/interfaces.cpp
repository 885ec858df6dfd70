// The interface ioctls of ifconfig and friends on the loopback interface,
// which Linux and Husk both have as "lo", index 1, 127.0.0.1/8 — names,
// indices, flags, addresses, MTU, hardware type, listing, and the errors
// for interfaces that do not exist. Only reading: the host's interfaces
// are never changed.
#include <netinet/in.h>
#include <sys/socket.h>
#include "Scenario.h"

SCENARIO(interfaces, loopback_as_ifconfig_sees_it)
{
    int fd = int(s.socket(AF_INET, SOCK_DGRAM));
    s.ifreq_ioctl(fd, "SIOCGIFINDEX", 0x8933, "lo");
    s.ifreq_ioctl(fd, "SIOCGIFNAME", 0x8910, "", 1);
    s.ifreq_ioctl(fd, "SIOCGIFFLAGS", 0x8913, "lo");
    s.ifreq_ioctl(fd, "SIOCGIFADDR", 0x8915, "lo");
    s.ifreq_ioctl(fd, "SIOCGIFNETMASK", 0x891b, "lo");
    s.ifreq_ioctl(fd, "SIOCGIFBRDADDR", 0x8919, "lo");
    s.ifreq_ioctl(fd, "SIOCGIFMTU", 0x8921, "lo");
    s.ifreq_ioctl(fd, "SIOCGIFHWADDR", 0x8927, "lo");
    s.ifconf_lists(fd, "lo");
}

SCENARIO(interfaces, unknown_interfaces_and_requests)
{
    int fd = int(s.socket(AF_INET, SOCK_STREAM));
    s.ifreq_ioctl(fd, "SIOCGIFFLAGS", 0x8913, "nosuch0");
    s.ifreq_ioctl(fd, "SIOCGIFADDR", 0x8915, "nosuch0");
    s.ifreq_ioctl(fd, "SIOCGIFINDEX", 0x8933, "");
    s.ifreq_ioctl(fd, "SIOCGIFNAME", 0x8910, "", 9999);
    s.raw("ioctl(SIOCGIFFLAGS, NULL)", SYS_ioctl, fd, 0x8913, 0);
    s.raw("ioctl(SIOCGIFCONF, bad pointer)", SYS_ioctl, fd, 0x8912, 16);
}
