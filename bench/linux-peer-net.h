/* The network part of the Linux peers' /init (bench/net, bench/packages):
 * lo and eth0 up, eth0's address from addr=A.B.C.D/PFX and a default route
 * via gw=A.B.C.D (kernel command-line words reach init as its environment).
 * The includer defines PEER_INIT (its name, for messages) and fail(). */
#ifndef HUSK_BENCH_LINUX_PEER_NET_H
#define HUSK_BENCH_LINUX_PEER_NET_H
#include <arpa/inet.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void set_address(int s, unsigned long request, const char* ifname, in_addr_t addr)
{
    struct ifreq r = { 0 };
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", ifname);
    struct sockaddr_in* sin = (struct sockaddr_in*)&r.ifr_addr;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr;
    if (ioctl(s, request, &r) != 0)
        fail(ifname);
}

static void bring_up(int s, const char* ifname)
{
    struct ifreq r = { 0 };
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", ifname);
    /* The driver registers eth0 while its module loads; wait a little in
     * case the device is probed asynchronously. */
    for (int i = 0; ioctl(s, SIOCGIFFLAGS, &r) != 0; i++) {
        if (i == 100)
            fail(ifname);
        usleep(10000);
    }
    r.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &r) != 0)
        fail(ifname);
}

static in_addr_t parse_address(const char* what, const char* text)
{
    struct in_addr a;
    if (!text || inet_pton(AF_INET, text, &a) != 1) {
        fprintf(stderr, PEER_INIT ": %s=%s is not an IPv4 address\n", what, text ? text : "(missing)");
        exit(1);
    }
    return a.s_addr;
}

static void configure_network(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        fail("socket");
    bring_up(s, "lo");
    char addr[64];
    snprintf(addr, sizeof addr, "%s", getenv("addr") ? getenv("addr") : "");
    char* slash = strchr(addr, '/');
    int prefix = slash ? atoi(slash + 1) : 24;
    if (slash)
        *slash = 0;
    if (prefix < 1 || prefix > 32) {
        fprintf(stderr, "linux-net-init: addr=%s: bad prefix length\n", getenv("addr"));
        exit(1);
    }
    set_address(s, SIOCSIFADDR, "eth0", parse_address("addr", addr));
    set_address(s, SIOCSIFNETMASK, "eth0", htonl(0xffffffffu << (32 - prefix)));
    bring_up(s, "eth0");
    if (getenv("gw")) {
        struct rtentry rt = { 0 };
        struct sockaddr_in* gw = (struct sockaddr_in*)&rt.rt_gateway;
        gw->sin_family = AF_INET;
        gw->sin_addr.s_addr = parse_address("gw", getenv("gw"));
        ((struct sockaddr_in*)&rt.rt_dst)->sin_family = AF_INET;
        ((struct sockaddr_in*)&rt.rt_genmask)->sin_family = AF_INET;
        rt.rt_flags = RTF_UP | RTF_GATEWAY;
        if (ioctl(s, SIOCADDRT, &rt) != 0)
            fail("default route");
    }
    close(s);
}

#endif
