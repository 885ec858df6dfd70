/* What husk run --volume's tests do inside the guest, one step per
 * argument group:
 *   write PATH MODE TEXT   create (O_EXCL) with MODE (octal) and write TEXT
 *   cat PATH               print the file
 *   fill PATH MIB          write MIB MiB of a pattern in 1 MiB writes
 *   sum PATH               print the FNV-1a digest and size of the file
 *   mkdir PATH | rename A B | unlink PATH | symlink TARGET PATH | ls DIR
 *   mode PATH              print the file's mode (octal) and size
 *   mapwrite PATH TEXT     create PATH of TEXT's size and store TEXT through
 *                          a MAP_SHARED mapping (written back at munmap)
 * Each step prints "STEP: ok" or "STEP: ERRNO-NAME" and the program goes on;
 * its exit status is the number of failed steps. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void report(const char *step, int ok)
{
    if (ok) {
        printf("%s: ok\n", step);
    } else {
        printf("%s: %s\n", step, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
        ++failures;
    }
}

static uint8_t pattern(uint64_t at) { return (uint8_t)(at * 131 + (at >> 12)); }

int main(int argc, char **argv)
{
    for (int i = 1; i < argc;) {
        const char *op = argv[i];
        if (!strcmp(op, "write") && i + 3 < argc) {
            int fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_EXCL, (mode_t)strtol(argv[i + 2], NULL, 8));
            size_t n = strlen(argv[i + 3]);
            int ok = fd >= 0 && write(fd, argv[i + 3], n) == (ssize_t)n;
            if (fd >= 0)
                close(fd);
            report("write", ok);
            i += 4;
        } else if (!strcmp(op, "cat") && i + 1 < argc) {
            int fd = open(argv[i + 1], O_RDONLY);
            char buf[4096];
            ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
            if (n >= 0)
                printf("cat: %.*s", (int)n, buf);
            if (fd >= 0)
                close(fd);
            report("cat", n >= 0);
            i += 2;
        } else if (!strcmp(op, "fill") && i + 2 < argc) {
            int fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
            long mib = atol(argv[i + 2]);
            static uint8_t chunk[1 << 20];
            int ok = fd >= 0;
            for (long m = 0; ok && m < mib; ++m) {
                for (size_t k = 0; k < sizeof chunk; ++k)
                    chunk[k] = pattern((uint64_t)m * sizeof chunk + k);
                ok = write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk;
            }
            if (fd >= 0 && close(fd) != 0)
                ok = 0;
            report("fill", ok);
            i += 3;
        } else if (!strcmp(op, "sum") && i + 1 < argc) {
            int fd = open(argv[i + 1], O_RDONLY);
            static uint8_t buf[300000]; /* not a multiple of anything the transport uses */
            uint64_t fnv = 0xcbf29ce484222325ull, size = 0;
            ssize_t n = 0;
            while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0) {
                for (ssize_t k = 0; k < n; ++k)
                    fnv = (fnv ^ buf[k]) * 0x100000001b3ull;
                size += (uint64_t)n;
            }
            if (fd >= 0 && n == 0)
                printf("sum: %016llx %llu\n", (unsigned long long)fnv, (unsigned long long)size);
            if (fd >= 0)
                close(fd);
            report("sum", fd >= 0 && n == 0);
            i += 2;
        } else if (!strcmp(op, "mkdir") && i + 1 < argc) {
            report("mkdir", mkdir(argv[i + 1], 0750) == 0);
            i += 2;
        } else if (!strcmp(op, "rename") && i + 2 < argc) {
            report("rename", rename(argv[i + 1], argv[i + 2]) == 0);
            i += 3;
        } else if (!strcmp(op, "unlink") && i + 1 < argc) {
            report("unlink", unlink(argv[i + 1]) == 0);
            i += 2;
        } else if (!strcmp(op, "symlink") && i + 2 < argc) {
            report("symlink", symlink(argv[i + 1], argv[i + 2]) == 0);
            i += 3;
        } else if (!strcmp(op, "mode") && i + 1 < argc) {
            struct stat st;
            int ok = stat(argv[i + 1], &st) == 0;
            if (ok)
                printf("mode: %o %lld\n", (unsigned)st.st_mode, (long long)st.st_size);
            report("mode", ok);
            i += 2;
        } else if (!strcmp(op, "mapwrite") && i + 2 < argc) {
            size_t n = strlen(argv[i + 2]);
            int fd = open(argv[i + 1], O_RDWR | O_CREAT | O_TRUNC, 0644);
            int ok = fd >= 0 && ftruncate(fd, (off_t)n) == 0;
            char *p = ok ? mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
            ok = p != MAP_FAILED;
            if (ok) {
                memcpy(p, argv[i + 2], n);
                ok = munmap(p, n) == 0;
            }
            if (fd >= 0)
                close(fd);
            report("mapwrite", ok);
            i += 3;
        } else if (!strcmp(op, "ls") && i + 1 < argc) {
            DIR *d = opendir(argv[i + 1]);
            struct dirent *e;
            while (d && (e = readdir(d)))
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                    printf("ls: %s\n", e->d_name);
            report("ls", d != NULL);
            if (d)
                closedir(d);
            i += 2;
        } else {
            fprintf(stderr, "volume_probe: bad step '%s'\n", op);
            return 100;
        }
    }
    return failures;
}
