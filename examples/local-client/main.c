/* A local client of the hosted Husk kernel (like a rump kernel local
 * client): boot the kernel inside this process, build a directory tree in
 * its ramfs, write and read files, list, rename, link, and show dmesg. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <husk/husk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                \
    do {                                                                           \
        if ((call) < 0) {                                                          \
            fprintf(stderr, "local-client: %s: %s\n", #call, strerror(errno));     \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void list(const char *path)
{
    int fd = husk_sys_open(path, O_RDONLY | O_DIRECTORY, 0);
    CHECK(fd);
    printf("%s:\n", path);
    char buf[4096];
    long n;
    while ((n = husk_sys_getdents64(fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
            if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
                char full[512];
                struct stat st;
                snprintf(full, sizeof full, "%s/%s", path, d->d_name);
                CHECK(husk_sys_lstat(full, &st));
                printf("  %-12s %06o %2lu links %6ld bytes\n", d->d_name, (unsigned)st.st_mode,
                       (unsigned long)st.st_nlink, (long)st.st_size);
            }
            at += d->d_reclen;
        }
    }
    CHECK(n);
    CHECK(husk_sys_close(fd));
}

int main(void)
{
    CHECK(husk_init("mem=32 hostname=demo"));
    struct utsname u;
    CHECK(husk_sys_uname(&u));
    printf("booted %s %s on node %s\n", u.sysname, u.release, u.nodename);

    CHECK(husk_sys_mkdir("/data", 0755));
    CHECK(husk_sys_mkdir("/data/docs", 0750));
    int fd = husk_sys_open("/data/docs/hello.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd);
    const char text[] = "Hello from a file inside the Husk kernel.\n";
    CHECK(husk_sys_write(fd, text, sizeof text - 1));
    CHECK(husk_sys_close(fd));

    CHECK(husk_sys_rename("/data/docs/hello.txt", "/data/greeting.txt"));
    CHECK(husk_sys_link("/data/greeting.txt", "/data/docs/hardlink.txt"));
    CHECK(husk_sys_symlink("greeting.txt", "/data/latest"));

    char back[128] = { 0 };
    fd = husk_sys_open("/data/latest", O_RDONLY, 0);
    CHECK(fd);
    long got = husk_sys_read(fd, back, sizeof back - 1);
    CHECK(got);
    CHECK(husk_sys_close(fd));
    printf("read back through the symlink: %s", back);

    list("/data");
    list("/data/docs");

    CHECK(husk_sys_chdir("/data/docs"));
    char cwd[256];
    CHECK(husk_sys_getcwd(cwd, sizeof cwd));
    printf("cwd: %s\n", cwd);

    /* A bad pointer is an error, not a crash. */
    if (husk_sys_write(1, (const void *)16, 10) == -1)
        printf("write from a bad pointer: %s\n", strerror(errno));

    char log[8192];
    long n = husk_dmesg(log, sizeof log - 1);
    CHECK(n);
    log[n] = 0;
    printf("--- dmesg ---\n%s", log);
    return 0;
}
