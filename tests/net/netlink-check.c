// Structural checks of AF_NETLINK (NETLINK_ROUTE) and IP_PKTINFO that hold
// on Linux and under Husk (tests/net/run-netlink-test runs this static
// program on both): links, addresses and routes dumped with raw netlink
// agree with glibc's getifaddrs(), if_nameindex() and if_nametoindex()
// (same names, indexes, addresses); lo is 127.0.0.1/8 and ::1/128; every
// dump ends with NLMSG_DONE; port ids are assigned as Linux does; a bad
// request gets NLMSG_ERROR, not silence; MSG_PEEK|MSG_TRUNC gives a
// datagram's size; UDP over loopback reports IP_PKTINFO, IPV6_PKTINFO and
// IP_TTL, and a sendmsg with IP_PKTINFO sends from the address it names.
// Prints "ok: ..." lines, then PASS (status 0) or FAIL lines (status 1).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            printf("FAIL: " __VA_ARGS__);                                                                              \
            printf(" (%s:%d, errno %d)\n", __FILE__, __LINE__, errno);                                                 \
            ++failures;                                                                                                \
        }                                                                                                              \
    } while (0)

struct address {
    int index, family, prefix;
    unsigned char bytes[16];
};
static struct address addrs[64];
static int naddrs;
static struct {
    int index;
    char name[IF_NAMESIZE];
} links[32];
static int nlinks, nroutes4, nroutes6, default4;

static int nl_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(fd >= 0, "socket(AF_NETLINK)");
    return fd;
}

static unsigned nl_port(int fd)
{
    struct sockaddr_nl a;
    socklen_t n = sizeof a;
    CHECK(getsockname(fd, (struct sockaddr*)&a, &n) == 0 && n == sizeof a && a.nl_family == AF_NETLINK,
          "getsockname of a netlink socket");
    return a.nl_pid;
}

static void nl_request(int fd, int type, int flags, int seq, const void* body, size_t size)
{
    struct {
        struct nlmsghdr h;
        unsigned char body[64];
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = NLMSG_LENGTH(size);
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | flags;
    req.h.nlmsg_seq = seq;
    memcpy(req.body, body, size);
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    CHECK(sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr*)&kernel, sizeof kernel) == (ssize_t)req.h.nlmsg_len,
          "sendto the kernel");
}

// Reads datagrams until NLMSG_DONE or NLMSG_ERROR of seq; each message to
// handle(). Returns the error's code (0 for DONE), or 1 on a timeout.
static int nl_read(int fd, int seq, unsigned port, void (*handle)(struct nlmsghdr*))
{
    static char buf[65536];
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 5000) != 1) {
            CHECK(0, "no answer within 5 s to request %d", seq);
            return 1;
        }
        // The size first, as dnsmasq and iproute2 ask for it.
        struct iovec none = { buf, 0 };
        struct sockaddr_nl from;
        struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &none, .msg_iovlen = 1 };
        ssize_t size = recvmsg(fd, &m, MSG_PEEK | MSG_TRUNC);
        CHECK(size > 0 && (m.msg_flags & MSG_TRUNC), "MSG_PEEK|MSG_TRUNC gives the size (%zd)", size);
        struct iovec iov = { buf, sizeof buf };
        m = (struct msghdr) { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n = recvmsg(fd, &m, 0);
        CHECK(n == size, "the datagram has the size MSG_TRUNC said (%zd, %zd)", n, size);
        CHECK(m.msg_namelen == sizeof from && from.nl_family == AF_NETLINK && from.nl_pid == 0,
              "answers come from the kernel (port 0)");
        for (struct nlmsghdr* h = (struct nlmsghdr*)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != (unsigned)seq || h->nlmsg_pid != port) {
                CHECK(0, "a message of seq %u port %u (expected %d, %u)", h->nlmsg_seq, h->nlmsg_pid, seq, port);
                continue;
            }
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr*)NLMSG_DATA(h))->error;
            if (handle)
                handle(h);
        }
    }
}

static void on_link(struct nlmsghdr* h)
{
    struct ifinfomsg* i = NLMSG_DATA(h);
    int len = IFLA_PAYLOAD(h);
    if (h->nlmsg_type != RTM_NEWLINK || nlinks == 32)
        return;
    links[nlinks].index = i->ifi_index;
    for (struct rtattr* a = IFLA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFLA_IFNAME)
            snprintf(links[nlinks].name, IF_NAMESIZE, "%s", (char*)RTA_DATA(a));
    CHECK(links[nlinks].name[0], "link %d has a name", i->ifi_index);
    ++nlinks;
}

static void on_address(struct nlmsghdr* h)
{
    struct ifaddrmsg* i = NLMSG_DATA(h);
    int len = IFA_PAYLOAD(h);
    if (h->nlmsg_type != RTM_NEWADDR || naddrs == 64)
        return;
    struct address* a = &addrs[naddrs];
    memset(a, 0, sizeof *a);
    a->index = i->ifa_index;
    a->family = i->ifa_family;
    a->prefix = i->ifa_prefixlen;
    int found = 0;
    for (struct rtattr* r = IFA_RTA(i); RTA_OK(r, len); r = RTA_NEXT(r, len))
        if ((r->rta_type == IFA_LOCAL && a->family == AF_INET) || (r->rta_type == IFA_ADDRESS && !found)) {
            memcpy(a->bytes, RTA_DATA(r), a->family == AF_INET ? 4 : 16);
            found = 1;
        }
    CHECK(found, "address message of index %d has an address", a->index);
    ++naddrs;
}

static void on_route(struct nlmsghdr* h)
{
    struct rtmsg* r = NLMSG_DATA(h);
    if (h->nlmsg_type != RTM_NEWROUTE || r->rtm_table != RT_TABLE_MAIN)
        return;
    if (r->rtm_family == AF_INET) {
        ++nroutes4;
        int len = RTM_PAYLOAD(h), gateway = 0;
        for (struct rtattr* a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len))
            gateway |= a->rta_type == RTA_GATEWAY;
        default4 |= r->rtm_dst_len == 0 && gateway;
    } else if (r->rtm_family == AF_INET6) {
        ++nroutes6;
    }
}

static int find_address(int index, int family, const void* bytes, int prefix)
{
    for (int i = 0; i < naddrs; ++i)
        if (addrs[i].index == index && addrs[i].family == family
            && memcmp(addrs[i].bytes, bytes, family == AF_INET ? 4 : 16) == 0 && (prefix < 0 || addrs[i].prefix == prefix))
            return 1;
    return 0;
}

static int mask_bits(const struct sockaddr* mask)
{
    const unsigned char* b = mask->sa_family == AF_INET ? (const unsigned char*)&((struct sockaddr_in*)mask)->sin_addr
                                                        : ((struct sockaddr_in6*)mask)->sin6_addr.s6_addr;
    int n = 0;
    for (int i = 0; i < (mask->sa_family == AF_INET ? 4 : 16); ++i)
        n += __builtin_popcount(b[i]);
    return n;
}

static void check_netlink(void)
{
    int fd = nl_open(), other = nl_open();
    CHECK(nl_port(fd) == 0, "an unbound socket has port 0");
    struct sockaddr_nl any = { .nl_family = AF_NETLINK };
    CHECK(bind(fd, (struct sockaddr*)&any, sizeof any) == 0, "bind");
    unsigned port = nl_port(fd);
    CHECK(port == (unsigned)getpid(), "the first socket's port is the process id (%u, %d)", port, getpid());
    CHECK(bind(other, (struct sockaddr*)&any, sizeof any) == 0, "bind a second socket");
    unsigned port2 = nl_port(other);
    CHECK(port2 != port && port2 != 0, "a second socket gets another port (%u)", port2);
    struct sockaddr_nl taken = { .nl_family = AF_NETLINK, .nl_pid = port };
    int third = nl_open();
    CHECK(bind(third, (struct sockaddr*)&taken, sizeof taken) == -1 && errno == EADDRINUSE, "a taken port: EADDRINUSE");
    close(third);
    CHECK(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE) == -1 && errno == ESOCKTNOSUPPORT,
          "SOCK_STREAM netlink: ESOCKTNOSUPPORT");
    printf("ok: ports: first %s the pid, the second another\n", port == (unsigned)getpid() ? "is" : "IS NOT");

    struct rtgenmsg g = { AF_UNSPEC };
    nl_request(fd, RTM_GETLINK, NLM_F_DUMP, 1, &g, sizeof g);
    CHECK(nl_read(fd, 1, port, on_link) == 0, "RTM_GETLINK dump ends with NLMSG_DONE");
    g.rtgen_family = AF_PACKET; // glibc's getifaddrs asks so: every family
    nl_request(fd, RTM_GETADDR, NLM_F_DUMP, 2, &g, sizeof g);
    CHECK(nl_read(fd, 2, port, on_address) == 0, "RTM_GETADDR dump ends with NLMSG_DONE");
    struct rtmsg r = { .rtm_family = AF_INET };
    nl_request(fd, RTM_GETROUTE, NLM_F_DUMP, 3, &r, sizeof r);
    CHECK(nl_read(fd, 3, port, on_route) == 0, "RTM_GETROUTE (IPv4) dump ends with NLMSG_DONE");
    r.rtm_family = AF_INET6;
    nl_request(fd, RTM_GETROUTE, NLM_F_DUMP, 4, &r, sizeof r);
    CHECK(nl_read(fd, 4, port, on_route) == 0, "RTM_GETROUTE (IPv6) dump ends with NLMSG_DONE");
    printf("ok: dumps: %d links, %d addresses, %d IPv4 and %d IPv6 routes (default IPv4 route: %s), each closed "
           "by NLMSG_DONE\n",
           nlinks, naddrs, nroutes4, nroutes6, default4 ? "yes" : "no");

    // lo: index 1, 127.0.0.1/8 and ::1/128.
    CHECK(nlinks > 0 && links[0].index == 1 && strcmp(links[0].name, "lo") == 0, "lo is the first link, index 1");
    struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };
    CHECK(find_address(1, AF_INET, &lo4, 8), "lo has 127.0.0.1/8");
    CHECK(find_address(1, AF_INET6, &in6addr_loopback, 128), "lo has ::1/128");
    printf("ok: lo is index 1 with 127.0.0.1/8 and ::1/128\n");

    // A link by index (no dump), and an acknowledged request.
    struct ifinfomsg one = { .ifi_index = 1 };
    int before = nlinks;
    nl_request(fd, RTM_GETLINK, NLM_F_ACK, 5, &one, sizeof one);
    struct pollfd p = { fd, POLLIN, 0 };
    CHECK(poll(&p, 1, 5000) == 1, "RTM_GETLINK of index 1 answers");
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    struct nlmsghdr* h = (struct nlmsghdr*)buf;
    CHECK(n > 0 && NLMSG_OK(h, (size_t)n) && h->nlmsg_type == RTM_NEWLINK && h->nlmsg_seq == 5, "RTM_NEWLINK of lo");
    if (n > 0 && NLMSG_OK(h, (size_t)n) && h->nlmsg_type == RTM_NEWLINK)
        on_link(h);
    CHECK(nlinks == before + 1 && strcmp(links[before].name, "lo") == 0, "index 1 is lo");
    CHECK(nl_read(fd, 5, port, NULL) == 0, "the request's NLM_F_ACK: NLMSG_ERROR 0");
    // A request of a type nobody knows: an error, not silence.
    nl_request(fd, 0x7ff0, NLM_F_ACK, 6, &g, sizeof g);
    int e = nl_read(fd, 6, port, NULL);
    CHECK(e == -EOPNOTSUPP, "an unknown type: NLMSG_ERROR -EOPNOTSUPP (%d)", e);
    // Group subscriptions are accepted.
    int group = RTNLGRP_LINK;
    CHECK(setsockopt(other, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) == 0, "NETLINK_ADD_MEMBERSHIP");
    int on = 1;
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on) == 0, "NETLINK_EXT_ACK");
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof on) == 0, "NETLINK_GET_STRICT_CHK");
    printf("ok: a link by index, NLM_F_ACK, an unknown request's error, options\n");
    // A reader that does not read: answers beyond SO_RCVBUF are lost, and
    // the next receive says ENOBUFS, then the kept ones come.
    int small = 4096;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0, "SO_RCVBUF");
    for (int i = 0; i < 300; ++i)
        nl_request(fd, RTM_GETLINK, 0, 100 + i, &one, sizeof one);
    errno = 0;
    CHECK(recv(fd, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == ENOBUFS, "an overrun: ENOBUFS");
    n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    CHECK(n > 0 && ((struct nlmsghdr*)buf)->nlmsg_seq == 100, "then the first answers kept (%zd)", n);
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {}
    printf("ok: an overrun of SO_RCVBUF: ENOBUFS, then the answers kept\n");
    close(fd);
    close(other);
}

static void check_glibc(void)
{
    struct ifaddrs* list;
    CHECK(getifaddrs(&list) == 0, "getifaddrs");
    int seen = 0;
    for (struct ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
            continue;
        int index = (int)if_nametoindex(i->ifa_name);
        CHECK(index > 0, "if_nametoindex(%s)", i->ifa_name);
        const void* bytes = i->ifa_addr->sa_family == AF_INET ? (void*)&((struct sockaddr_in*)i->ifa_addr)->sin_addr
                                                              : (void*)&((struct sockaddr_in6*)i->ifa_addr)->sin6_addr;
        char text[64];
        inet_ntop(i->ifa_addr->sa_family, bytes, text, sizeof text);
        CHECK(find_address(index, i->ifa_addr->sa_family, bytes, i->ifa_netmask ? mask_bits(i->ifa_netmask) : -1),
              "getifaddrs' %s %s is in the netlink dump", i->ifa_name, text);
        ++seen;
    }
    freeifaddrs(list);
    CHECK(seen == naddrs, "getifaddrs has as many addresses as the dump (%d, %d)", seen, naddrs);
    struct if_nameindex* names = if_nameindex();
    CHECK(names != NULL, "if_nameindex");
    int count = 0;
    for (struct if_nameindex* n = names; n && n->if_index; ++n, ++count) {
        int found = 0;
        for (int k = 0; k < nlinks; ++k)
            found |= links[k].index == (int)n->if_index && strcmp(links[k].name, n->if_name) == 0;
        CHECK(found, "if_nameindex' %u %s is a dumped link", n->if_index, n->if_name);
        char name[IF_NAMESIZE];
        CHECK(if_indextoname(n->if_index, name) && strcmp(name, n->if_name) == 0, "if_indextoname(%u)", n->if_index);
    }
    if (names)
        if_freenameindex(names);
    CHECK(count == nlinks - 1, "if_nameindex lists every link (%d, %d)", count, nlinks - 1); // lo was read twice
    printf("ok: getifaddrs (%d addresses) and if_nameindex (%d links) agree with netlink\n", seen, count);
}

// One datagram from `from` to `to` (bound) on loopback; the receiver's
// control messages checked.
static void check_pktinfo(void)
{
    int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    CHECK(bind(rx, (struct sockaddr*)&a, sizeof a) == 0 && getsockname(rx, (struct sockaddr*)&a, &al) == 0, "bind rx");
    CHECK(setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == 0, "IP_PKTINFO");
    CHECK(setsockopt(rx, IPPROTO_IP, IP_RECVTTL, &on, sizeof on) == 0, "IP_RECVTTL");
    // The sender names its source (127.0.0.2, on lo's /8) with IP_PKTINFO.
    char control[256];
    struct iovec iov = { "ping", 4 };
    struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control, .msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) };
    memset(control, 0, sizeof control);
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
    struct in_pktinfo source = { .ipi_spec_dst.s_addr = htonl(0x7f000002) };
    memcpy(CMSG_DATA(c), &source, sizeof source);
    CHECK(sendmsg(tx, &m, 0) == 4, "sendmsg with IP_PKTINFO");
    struct pollfd p = { rx, POLLIN, 0 };
    CHECK(poll(&p, 1, 5000) == 1, "the datagram arrives");
    char data[16];
    struct sockaddr_in from;
    iov = (struct iovec) { data, sizeof data };
    m = (struct msghdr) { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control, .msg_controllen = sizeof control };
    CHECK(recvmsg(rx, &m, MSG_DONTWAIT) == 4, "recvmsg");
    CHECK(from.sin_addr.s_addr == htonl(0x7f000002), "the source is IP_PKTINFO's 127.0.0.2 (%s)", inet_ntoa(from.sin_addr));
    int got_info = 0, got_ttl = 0;
    for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo info;
            memcpy(&info, CMSG_DATA(c), sizeof info);
            got_info = 1;
            CHECK(info.ipi_ifindex == 1, "IP_PKTINFO: interface lo (%d)", info.ipi_ifindex);
            CHECK(info.ipi_addr.s_addr == htonl(INADDR_LOOPBACK), "IP_PKTINFO: destination 127.0.0.1");
            CHECK(info.ipi_spec_dst.s_addr == htonl(INADDR_LOOPBACK), "IP_PKTINFO: local address 127.0.0.1");
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            int ttl;
            memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
            got_ttl = 1;
            CHECK(ttl == 64, "IP_TTL 64 (%d)", ttl);
        }
    }
    CHECK(got_info && got_ttl, "IP_PKTINFO and IP_TTL messages (%d, %d)", got_info, got_ttl);
    close(rx);
    close(tx);

    // IPv6: IPV6_RECVPKTINFO on ::1.
    rx = socket(AF_INET6, SOCK_DGRAM, 0);
    tx = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = in6addr_loopback };
    al = sizeof a6;
    CHECK(bind(rx, (struct sockaddr*)&a6, sizeof a6) == 0 && getsockname(rx, (struct sockaddr*)&a6, &al) == 0,
          "bind rx6");
    CHECK(setsockopt(rx, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) == 0, "IPV6_RECVPKTINFO");
    CHECK(sendto(tx, "ping", 4, 0, (struct sockaddr*)&a6, sizeof a6) == 4, "sendto ::1");
    p.fd = rx;
    CHECK(poll(&p, 1, 5000) == 1, "the IPv6 datagram arrives");
    iov = (struct iovec) { data, sizeof data };
    m = (struct msghdr) { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    CHECK(recvmsg(rx, &m, MSG_DONTWAIT) == 4, "recvmsg ::1");
    got_info = 0;
    for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(c), sizeof info);
            got_info = 1;
            CHECK(info.ipi6_ifindex == 1, "IPV6_PKTINFO: interface lo (%d)", info.ipi6_ifindex);
            CHECK(memcmp(&info.ipi6_addr, &in6addr_loopback, 16) == 0, "IPV6_PKTINFO: destination ::1");
        }
    CHECK(got_info, "an IPV6_PKTINFO message");
    close(rx);
    close(tx);
    printf("ok: IP_PKTINFO (lo, 127.0.0.1), IP_TTL, a sendmsg from IP_PKTINFO's 127.0.0.2, IPV6_PKTINFO (lo, ::1)\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_netlink();
    check_glibc();
    check_pktinfo();
    if (failures) {
        printf("netlink-check: %d failures\n", failures);
        return 1;
    }
    printf("PASS: netlink-check\n");
    return 0;
}
