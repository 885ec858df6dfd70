// Four threads read the same 200 files of an ext2 disk at once, each from
// a different start: concurrent misses on the same blocks (inode tables,
// directories, data). A thread asking for a block that another thread was
// still reading from the device used to get the buffer before its data
// (Debian's python3 with a thread pool read garbage inodes: EUCLEAN).
// Usage: concurrent-reads --make DIR | concurrent-reads DATADIR
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kFiles = 200, kThreads = 4 };
static const char* data_dir;
static int failures;

static size_t file_size(int i) { return 1 + (size_t)(i * 7919 % 40000); }
static unsigned char byte_at(int i, size_t off) { return (unsigned char)(i * 31 + off * 7 + (off >> 9)); }

static int make(const char* dir)
{
    static unsigned char buf[40000];
    for (int i = 0; i < kFiles; ++i) {
        char path[512];
        snprintf(path, sizeof path, "%s/f%03d", dir, i);
        size_t n = file_size(i);
        for (size_t o = 0; o < n; ++o)
            buf[o] = byte_at(i, o);
        FILE* f = fopen(path, "wb");
        if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
            perror(path);
            return 1;
        }
    }
    return 0;
}

static void* reader(void* arg)
{
    int start = (int)(intptr_t)arg;
    static __thread unsigned char buf[40001];
    for (int k = 0; k < kFiles; ++k) {
        int i = (start + k) % kFiles;
        char path[512];
        snprintf(path, sizeof path, "%s/f%03d", data_dir, i);
        int fd = open(path, O_RDONLY);
        if (fd < 0) {
            printf("concurrent-reads: open %s: %s\n", path, strerror(errno));
            __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
            continue;
        }
        ssize_t n = read(fd, buf, sizeof buf);
        close(fd);
        size_t want = file_size(i);
        int bad = n != (ssize_t)want;
        for (size_t o = 0; !bad && o < want; ++o)
            bad = buf[o] != byte_at(i, o);
        if (bad) {
            printf("concurrent-reads: %s read back wrong (%zd bytes, %zu wanted)\n", path, n, want);
            __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
        }
    }
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc == 3 && strcmp(argv[1], "--make") == 0)
        return make(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: concurrent-reads --make DIR | concurrent-reads DATADIR\n");
        return 2;
    }
    data_dir = argv[1];
    pthread_t t[kThreads];
    for (int i = 0; i < kThreads; ++i)
        pthread_create(&t[i], NULL, reader, (void*)(intptr_t)(i * kFiles / kThreads / 2));
    for (int i = 0; i < kThreads; ++i)
        pthread_join(t[i], NULL);
    if (failures) {
        printf("concurrent-reads: %d failed reads\n", failures);
        return 1;
    }
    printf("concurrent-reads: ok: %d threads read %d files at once\n", kThreads, kFiles);
    return 0;
}
