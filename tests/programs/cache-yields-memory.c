/* cache-yields-memory: reads a file larger than half the guest's memory
 * through the kernel's caches, then allocates and touches most of the
 * memory. The buffer cache holds the file's clean blocks while memory is
 * free and must give them back when the program needs it (before, a fixed
 * half of a small guest's memory stayed the cache's and the program was
 * killed for want of memory). A part of the file the program maps stays
 * mapped meanwhile (its pages are the cache's blocks, pinned) and must
 * still read as the file does; the file reads back intact afterwards.
 *
 *   cache-yields-memory --make PATH MIB   writes the test file (host, build)
 *   cache-yields-memory PATH              the test (guest) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

enum { kChunk = 64 << 10, kMapped = 256 << 10 };

/* Every byte says where it is: a misplaced or stale block shows. */
static unsigned char pattern(size_t at) { return (unsigned char)(at / 4096 * 13 + at % 251); }

static int make(const char *path, size_t mib)
{
    static unsigned char buf[kChunk];
    FILE *f = fopen(path, "wb");
    if (!f)
        return perror(path), 1;
    for (size_t at = 0; at < mib << 20; at += kChunk) {
        for (size_t i = 0; i < kChunk; ++i)
            buf[i] = pattern(at + i);
        if (fwrite(buf, 1, kChunk, f) != kChunk)
            return perror(path), 1;
    }
    return fclose(f) != 0;
}

/* Reads the whole file and checks every byte; the number of bad ones. */
static size_t read_all(int fd, size_t size)
{
    static unsigned char buf[kChunk];
    size_t bad = 0;
    for (size_t at = 0; at < size; at += kChunk) {
        ssize_t n = pread(fd, buf, kChunk, (off_t)at);
        if (n != kChunk)
            return size;
        for (size_t i = 0; i < kChunk; ++i)
            bad += buf[i] != pattern(at + i);
    }
    return bad;
}

static size_t check_mapped(const unsigned char *map)
{
    size_t bad = 0;
    for (size_t i = 0; i < kMapped; ++i)
        bad += map[i] != pattern(i);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--make") == 0)
        return make(argv[2], strtoul(argv[3], NULL, 10));
    if (argc != 2) {
        fprintf(stderr, "usage: cache-yields-memory PATH | --make PATH MIB\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return perror(argv[1]), 1;
    size_t size = (size_t)st.st_size & ~(size_t)(kChunk - 1);
    const unsigned char *map = mmap(NULL, kMapped, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return perror("mmap"), 1;
    if (check_mapped(map) != 0 || read_all(fd, size) != 0) {
        printf("cache-yields-memory: the file does not read as written\n");
        return 1;
    }
    struct sysinfo si;
    sysinfo(&si);
    size_t total = si.totalram * si.mem_unit, free_now = si.freeram * si.mem_unit;
    size_t want = total / 3 * 2;
    printf("cache-yields-memory: read %zu MiB; %zu of %zu MiB free, taking %zu MiB%s\n", size >> 20, free_now >> 20,
           total >> 20, want >> 20, want > free_now ? " (more than is free: the cache must give memory back)" : "");
    fflush(stdout);
    if (size < total / 2) {
        printf("cache-yields-memory: the file is too small for this guest (%zu MiB)\n", total >> 20);
        return 1;
    }
    unsigned char *mem = malloc(want);
    if (!mem)
        return printf("cache-yields-memory: malloc failed\n"), 1;
    for (size_t i = 0; i < want; i += 4096)
        mem[i] = (unsigned char)i;
    printf("cache-yields-memory: %zu MiB touched\n", want >> 20);
    fflush(stdout);
    size_t bad_map = check_mapped(map), bad_file = read_all(fd, size);
    if (bad_map || bad_file) {
        printf("cache-yields-memory: after the allocation %zu mapped and %zu read bytes differ\n", bad_map, bad_file);
        return 1;
    }
    for (size_t i = 0; i < want; i += 4096)
        if (mem[i] != (unsigned char)i)
            return printf("cache-yields-memory: the allocated memory changed\n"), 1;
    printf("cache-yields-memory: ok\n");
    return 0;
}
