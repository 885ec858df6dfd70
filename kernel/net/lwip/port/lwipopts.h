/* lwIP configuration of Husk's kernel.
 *
 * NO_SYS=1 with the raw API: Husk's kernel code runs until it blocks (one
 * CPU, no preemption inside the kernel), so every kernel thread may call
 * lwIP directly, as from one context — no tcpip thread, mailboxes or
 * locks. kernel/net's socket layer sits on the raw API and sleeps on its
 * own wait queues; the network thread (NetStack) feeds received frames
 * and runs lwIP's timers, sleeping until the next timeout or frame: no
 * busy polling.
 *
 * Sized for servers: memory comes from the kernel heap (no fixed pools:
 * ~1000 connections cost what they use), window scaling, 1460-byte MSS,
 * SO_REUSE. */
#ifndef HUSK_LWIPOPTS_H
#define HUSK_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS 1

/* Memory: the kernel heap for everything. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc husk_lwip_malloc
#define mem_clib_calloc husk_lwip_calloc
#define mem_clib_free husk_lwip_free
#ifdef __cplusplus
extern "C" {
#endif
void *husk_lwip_malloc(unsigned long size);
void *husk_lwip_calloc(unsigned long count, unsigned long size);
void husk_lwip_free(void *p);
#ifdef __cplusplus
}
#endif
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

/* Link layer and interfaces. */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
/* Datagrams sent while a neighbour's address is being resolved wait for
 * it (Linux's unres_qlen), not only the last one: a program's first
 * syslog messages, or a burst of UDP, before the first ARP reply. */
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 32
#define MEMP_NUM_ARP_QUEUE 64
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define LWIP_SINGLE_NETIF 0

/* IPv4, IPv6 and their helpers. */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the fragment header */
#define LWIP_ND6_QUEUEING 1
#define IP_FORWARD 0
#define IP_DEFAULT_TTL 64 /* Linux's net.ipv4.ip_default_ttl (lwIP's is 255), what IP_TTL reports */
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
/* Programs resolve names themselves (musl, glibc) over UDP; lwIP's DNS
 * module only keeps the servers DHCP names, for /etc/resolv.conf. */
#define LWIP_DNS 1

/* UDP and TCP. */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (64 * TCP_MSS)
/* A stream may have this much unacknowledged: at most one window per round
 * trip leaves, and a guest's round trips under QEMU's emulation take a
 * millisecond or more (Linux grows its send buffers to megabytes). Memory is
 * taken only for what is queued. */
#define TCP_SND_BUF (192 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT (32 * TCP_MSS) /* lwIP keeps it below 64 KiB */
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE 1
#define SO_REUSE 1
#define SO_REUSE_RXTOALL 1
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0

/* A SYN reusing a TIME_WAIT connection's ports starts a new connection, as
 * on Linux (SynBacklog.cpp).
 * SYN floods: lwIP counts half-open (SYN_RCVD) connections against a
 * listener's backlog and has no SYN cookies, so a burst of spoofed SYNs
 * would shut a server out for TCP_SYN_RCVD_TIMEOUT (20 s). When the backlog
 * is full, a new SYN takes the place of the oldest half-open connection
 * (kernel/net/lwip/SynBacklog.cpp). */
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
#ifdef __cplusplus
extern "C"
#endif
signed char husk_lwip_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p);
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) husk_lwip_tcp_inpacket(pcb, hdr, p)

/* Initial sequence numbers that cannot be predicted (RFC 6528): a keyed
 * hash of the connection's addresses and ports plus a 4 µs clock
 * (kernel/net/lwip/TcpIsn.cpp), not lwIP's 6510 plus ticks. */
struct ip_addr;
#ifdef __cplusplus
extern "C"
#endif
unsigned int husk_lwip_tcp_isn(const struct ip_addr *local_ip, unsigned short local_port,
                               const struct ip_addr *remote_ip, unsigned short remote_port);
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    husk_lwip_tcp_isn(local_ip, local_port, remote_ip, remote_port)

/* Checksums are made and checked in software, except that an interface
 * whose device completes checksums (virtio-net's CSUM, e.g. over a TAP)
 * turns lwIP's TCP checksum generation off (per interface) and gives the
 * device each TCP frame's pseudo-header sum (EthernetInterface): the
 * payload is not read once more. Packets such an interface sends to its
 * own address loop back without reaching the device; IP input completes
 * theirs (the hook below), so every check still holds. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define LWIP_CHECKSUM_ON_COPY 0
struct netif;
#ifdef __cplusplus
extern "C"
#endif
int husk_lwip_ip_input(struct pbuf *p, struct netif *inp);
#define LWIP_HOOK_IP4_INPUT(p, inp) husk_lwip_ip_input(p, inp)
#define LWIP_HOOK_IP6_INPUT(p, inp) husk_lwip_ip_input(p, inp)

#define LWIP_STATS 0

#endif
