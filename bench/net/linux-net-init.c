/* /init of bench/net's Linux peer: Debian's kernel booted with an
 * initramfs (bench/linux-peer) that holds this program, the network
 * modules, the benchmark's server and its files. It does what an init
 * system would before starting one server, then becomes that server:
 *   - loads /lib/modules/*.ko in the order /lib/modules/load-order gives,
 *     each with its NAME.key=value words from the kernel command line (as
 *     modprobe does: QEMU's microvm announces its virtio-mmio devices as
 *     virtio_mmio.device=...);
 *   - brings up lo and eth0 with addr=A.B.C.D/PFX and a default route via
 *     gw=A.B.C.D (kernel command-line words, which reach init as its
 *     environment);
 *   - execs the command after "--" on the kernel command line.
 * A static binary (gcc -static). Errors are printed on the console. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../linux-peer-modules.h"

#define PEER_INIT "linux-net-init"
static char cmdline[4096];

static void fail(const char* what)
{
    fprintf(stderr, "linux-net-init: %s: %s\n", what, strerror(errno));
    exit(1);
}

#include "../linux-peer-net.h"

int main(int argc, char** argv)
{
    mkdir("/proc", 0555);
    mkdir("/dev", 0755);
    mkdir("/tmp", 01777);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        fail("mount /proc");
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL); /* best effort: /dev/null for the server */
    int fd = open("/proc/cmdline", O_RDONLY);
    if (fd < 0 || read(fd, cmdline, sizeof cmdline - 1) < 0)
        fail("/proc/cmdline");
    close(fd);
    load_modules(cmdline, fail);
    configure_network();
    if (argc < 2) {
        fprintf(stderr, "linux-net-init: no command after -- on the kernel command line\n");
        return 1;
    }
    printf("linux-net-init: eth0 is %s, starting %s\n", getenv("addr"), argv[1]);
    fflush(stdout);
    execv(argv[1], argv + 1);
    fail(argv[1]);
}
