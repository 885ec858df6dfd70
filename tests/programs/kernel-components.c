/* kernel-components: what a kernel was linked with, as a program sees it.
 * Prints one line a check: socket(2) of each Internet family and the
 * errno or "ok"; an AF_UNIX socket pair carrying bytes both ways; mount(2)
 * of the file system types a kernel may leave out and of the core's tmpfs.
 * The full kernel answers "ok" throughout; the minimal one (husk run
 * --kernel minimal) as a Linux built without CONFIG_INET, 9P, ISO 9660 and
 * overlayfs: EAFNOSUPPORT and ENODEV. Exits 0 unless the AF_UNIX pair
 * fails. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *result(int r)
{
    if (r >= 0)
        return "ok";
    return errno == EAFNOSUPPORT ? "EAFNOSUPPORT" : errno == ENODEV ? "ENODEV" : strerror(errno);
}

static void try_socket(const char *name, int family, int type)
{
    int fd = socket(family, type, 0);
    printf("socket %s: %s\n", name, result(fd));
    if (fd >= 0)
        close(fd);
}

static void try_mount(const char *type)
{
    mkdir("/mnt", 0755);
    /* A source none of them can mount: only a type the kernel lacks fails before looking at it. */
    int r = mount("none", "/mnt", type, MS_RDONLY, "");
    printf("mount %s: %s\n", type, r == 0 || errno != ENODEV ? "known type" : "ENODEV");
    if (r == 0)
        umount("/mnt");
}

/* Whether /proc/filesystems lists the type (its lines: "nodev\tNAME" or "\tNAME"). */
static void listed(const char *type)
{
    char line[128];
    int found = 0;
    FILE *f = fopen("/proc/filesystems", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *name = strchr(line, '\t');
        found |= name && strncmp(name + 1, type, strlen(type)) == 0 && name[1 + strlen(type)] == '\n';
    }
    if (f)
        fclose(f);
    printf("/proc/filesystems %s: %s\n", type, f ? (found ? "listed" : "not listed") : strerror(errno));
}

int main(void)
{
    try_socket("AF_INET SOCK_STREAM", AF_INET, SOCK_STREAM);
    try_socket("AF_INET SOCK_DGRAM", AF_INET, SOCK_DGRAM);
    try_socket("AF_INET6 SOCK_STREAM", AF_INET6, SOCK_STREAM);
    int sv[2];
    char buf[8] = {0};
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || write(sv[0], "ping", 4) != 4 || read(sv[1], buf, sizeof buf) != 4
        || write(sv[1], "pong", 4) != 4 || read(sv[0], buf + 4, 4) != 4) {
        printf("AF_UNIX socketpair: %s\n", strerror(errno));
        return 1;
    }
    printf("AF_UNIX socketpair: %.8s\n", buf);
    try_mount("9p");
    try_mount("iso9660");
    try_mount("overlay");
    try_mount("tmpfs");
    listed("9p");
    listed("iso9660");
    listed("overlay");
    listed("ext4");
    return 0;
}
