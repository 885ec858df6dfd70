/* /init of bench/packages' Linux peer: Debian's kernel with an initramfs
 * (bench/linux-peer) holding this program and the virtio, block, ext4 and
 * network modules. It boots the root image husk run --rootfs gets (the
 * microVM's virtio disk, which QEMU opens with -snapshot: writes stay in
 * QEMU) and starts a server in it, as an init system would:
 *   - loads the modules in /lib/modules/load-order's order;
 *   - brings up lo and eth0 with addr=A.B.C.D/PFX and a default route via
 *     gw=A.B.C.D (kernel command-line words: they reach init as its
 *     environment);
 *   - mounts /dev/vda (ext4) read-write on /root with devtmpfs, proc, sysfs
 *     and a tmpfs /tmp inside, chroots into it;
 *   - execs the command after "--" on the kernel command line (init's
 *     arguments; the kernel takes "..." quotes off).
 * The network part is bench/linux-peer-net.h. A static binary. */
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
#include <unistd.h>
#include "../linux-peer-modules.h"

#define PEER_INIT "linux-pkg-init"
static char cmdline[4096];

static void fail(const char* what)
{
    fprintf(stderr, "linux-pkg-init: %s: %s\n", what, strerror(errno));
    exit(1);
}

#include "../linux-peer-net.h"

int main(int argc, char** argv)
{
    mkdir("/proc", 0555);
    mkdir("/dev", 0755);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        fail("mount /proc");
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
        fail("mount /dev");
    int fd = open("/proc/cmdline", O_RDONLY);
    if (fd < 0 || read(fd, cmdline, sizeof cmdline - 1) < 0)
        fail("/proc/cmdline");
    close(fd);
    load_modules(cmdline, fail);
    configure_network();
    mkdir("/root", 0755);
    /* The disk appears when virtio_blk has probed it: wait a little. */
    for (int tries = 0; mount("/dev/vda", "/root", "ext4", 0, NULL) != 0; tries++) {
        if ((errno != ENOENT && errno != ENXIO) || tries > 2000)
            fail("mount /dev/vda on /root");
        usleep(1000);
    }
    if (mount("devtmpfs", "/root/dev", "devtmpfs", 0, NULL) != 0 || mount("proc", "/root/proc", "proc", 0, NULL) != 0
        || mount("sysfs", "/root/sys", "sysfs", 0, NULL) != 0 || mount("tmpfs", "/root/tmp", "tmpfs", 0, "mode=1777") != 0)
        fail("mount /dev, /proc, /sys, /tmp in the root");
    if (chroot("/root") != 0 || chdir("/") != 0)
        fail("chroot /root");
    if (argc < 2) {
        fprintf(stderr, "linux-pkg-init: no command after -- on the kernel command line\n");
        return 1;
    }
    printf("linux-pkg-init: eth0 is %s, starting %s\n", getenv("addr"), argv[1]);
    fflush(stdout);
    char* envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8", NULL };
    execve(argv[1], argv + 1, envp);
    fail(argv[1]);
}
