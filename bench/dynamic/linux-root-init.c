/* /init of bench/dynamic's Linux peer: Debian's kernel with an initramfs
 * (bench/linux-peer) holding this program and the block and ext4 modules.
 * It boots the same root file system husk run --rootfs gets: the image is
 * the microVM's virtio disk. Like an init system before one program:
 *   - loads /lib/modules/*.ko in /lib/modules/load-order's order, each with
 *     its NAME.key=value words of the kernel command line (microvm's
 *     virtio_mmio.device=...);
 *   - mounts /dev/vda (ext4) read-only on /root, with devtmpfs, proc, sysfs
 *     and a tmpfs /tmp inside, and chroots into it;
 *   - runs the command after "--" on the kernel command line (fork, execve,
 *     wait), prints "linux-root-init: status N" and powers the machine off
 *     (reboot: QEMU runs with -no-reboot).
 * A static binary (gcc -static). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../linux-peer-modules.h"

static char cmdline[4096];

static void stop(int status)
{
    printf("linux-root-init: status %d\n", status);
    fflush(stdout);
    sync();
    reboot(RB_AUTOBOOT);
    _exit(status);
}

static void fail(const char* what)
{
    fprintf(stderr, "linux-root-init: %s: %s\n", what, strerror(errno));
    stop(255);
}

/* The words after "--" on the kernel command line, as an argument vector. */
static char** command(void)
{
    static char* argv[64];
    int argc = 0, after = 0;
    for (char *save = NULL, *w = strtok_r(cmdline, " \n", &save); w && argc < 63; w = strtok_r(NULL, " \n", &save)) {
        if (after)
            argv[argc++] = w;
        else if (!strcmp(w, "--"))
            after = 1;
    }
    argv[argc] = NULL;
    return argc ? argv : NULL;
}

int main(void)
{
    mkdir("/proc", 0755);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        fail("mount /proc");
    int fd = open("/proc/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, cmdline, sizeof cmdline - 1) : -1;
    if (n <= 0)
        fail("/proc/cmdline");
    cmdline[n] = 0;
    close(fd);
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
        fail("mount /dev");
    load_modules(cmdline, fail);
    mkdir("/root", 0755);
    /* The disk appears when virtio_blk has probed it: wait a little. */
    int tries = 0;
    while (mount("/dev/vda", "/root", "ext4", MS_RDONLY, NULL) != 0) {
        if (errno != ENOENT && errno != ENXIO)
            fail("mount /dev/vda on /root");
        if (++tries > 2000)
            fail("no /dev/vda");
        usleep(1000);
    }
    if (mount("devtmpfs", "/root/dev", "devtmpfs", 0, NULL) != 0 || mount("proc", "/root/proc", "proc", 0, NULL) != 0
        || mount("sysfs", "/root/sys", "sysfs", 0, NULL) != 0 || mount("tmpfs", "/root/tmp", "tmpfs", 0, "mode=1777") != 0)
        fail("mount /dev, /proc, /sys, /tmp in the root");
    if (chroot("/root") != 0 || chdir("/") != 0)
        fail("chroot /root");
    char** argv = command();
    if (!argv) {
        fprintf(stderr, "linux-root-init: no command after -- on the kernel command line\n");
        stop(255);
    }
    pid_t pid = fork();
    if (pid == 0) {
        char* envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8", NULL };
        execve(argv[0], argv, envp);
        fprintf(stderr, "linux-root-init: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    stop(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
