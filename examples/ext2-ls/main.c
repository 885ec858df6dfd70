/* ext2-ls IMAGE [PATH]: lists a directory of an ext2/ext3/ext4 or ISO 9660 image, or
 * prints a file, through the Husk kernel running in this process (like
 * debugfs's ls and cat). The image is attached read-only and never changed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <husk/husk.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "ext2-ls: %s: %s: %s\n", what, path, strerror(errno));
    return 1;
}

static char type_char(mode_t m)
{
    return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
}

static void print_entry(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    if (husk_sys_lstat(path, &st) != 0) {
        printf("?????????? %s (%s)\n", name, strerror(errno));
        return;
    }
    char perms[11] = { type_char(st.st_mode) };
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        perms[i + 1] = (st.st_mode & (0400 >> i)) ? rwx[i] : '-';
    /* setuid, setgid and sticky in the x places, as ls shows them */
    const mode_t special[3] = { S_ISUID, S_ISGID, S_ISVTX };
    for (int i = 0; i < 3; ++i)
        if (st.st_mode & special[i])
            perms[3 * i + 3] = perms[3 * i + 3] == 'x' ? "sst"[i] : "SST"[i];
    char when[32];
    time_t t = st.st_mtime;
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", gmtime(&t));
    printf("%s %3lu %5u %5u %10lld %s %s", perms, (unsigned long)st.st_nlink, st.st_uid, st.st_gid,
           (long long)st.st_size, when, name);
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        long n = husk_sys_readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = 0;
            printf(" -> %s", target);
        }
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: ext2-ls IMAGE [PATH]\n");
        return 2;
    }
    const char *inside = argc == 3 ? argv[2] : "/";
    if (husk_attach_hostfile(argv[1], 1) < 0)
        return fail("cannot open image", argv[1]);
    if (husk_init("mem=64 loglevel=error") != 0)
        return fail("cannot boot the kernel", argv[1]);
    husk_sys_mkdir("/image", 0755);
    /* The type by content, as mount(8) asks blkid: ISO 9660 has "CD001" in sector 16. */
    char id[5] = { 0 };
    int image = open(argv[1], O_RDONLY);
    int iso = image >= 0 && pread(image, id, sizeof id, 16 * 2048 + 1) == 5 && memcmp(id, "CD001", 5) == 0;
    if (image >= 0)
        close(image);
    if (husk_sys_mount("/dev/vda", "/image", iso ? "iso9660" : "ext2", MS_RDONLY, NULL) != 0)
        return fail("cannot mount (see the kernel's message above)", argv[1]);
    char path[4096];
    snprintf(path, sizeof path, "/image/%s", inside[0] == '/' ? inside + 1 : inside);
    struct stat st;
    if (husk_sys_stat(path, &st) != 0)
        return fail("no such path in the image", inside);
    if (!S_ISDIR(st.st_mode)) {
        int fd = husk_sys_open(path, O_RDONLY, 0);
        if (fd < 0)
            return fail("cannot open", inside);
        char buf[65536];
        long n;
        while ((n = husk_sys_read(fd, buf, sizeof buf)) > 0)
            if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
                return 1;
        return n < 0 ? fail("read error", inside) : 0;
    }
    int fd = husk_sys_open(path, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return fail("cannot open directory", inside);
    char buf[8192];
    long n;
    while ((n = husk_sys_getdents64(fd, buf, sizeof buf)) > 0)
        for (long at = 0; at < n; at += *(unsigned short *)(buf + at + 16))
            print_entry(path, buf + at + 19);
    return n < 0 ? fail("cannot list", inside) : 0;
}
