// Two threads read a file mapped privately page by page, in scattered
// orders (each first touch reads a block from the disk: the fault sleeps),
// while a third changes the program's mappings all along (mprotect
// splitting a region, mmap and munmap). Then every page is written (a
// private copy each) and the file read back with pread: unchanged.
// The kernel once kept the faulting region across the disk read: the
// mappings rebuilt meanwhile, it mapped the file's page with the rights of
// whatever the freed memory held: none (the next read was killed: found
// with Debian's redis-server, its threads' start-up), or a private
// region's read-write, so that a write went into the file's cached page.
// Usage: fault-while-remapping --make FILE MIB | fault-while-remapping FILE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kPage = 4096, kReaders = 2 };

static uint64_t word_at(size_t page, size_t word) { return page * 0x9e3779b97f4a7c15ull + word; }

static int make(const char* path, size_t mib)
{
    FILE* f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint64_t buf[kPage / 8];
    for (size_t page = 0; page < mib * 256; ++page) {
        for (size_t w = 0; w < kPage / 8; ++w)
            buf[w] = word_at(page, w);
        if (fwrite(buf, 1, sizeof buf, f) != sizeof buf) {
            perror(path);
            return 1;
        }
    }
    return fclose(f) != 0;
}

static const uint64_t* mapped;
static size_t pages;
static int stop, failures;
static long changes;

static void* reader(void* arg)
{
    size_t start = (size_t)(uintptr_t)arg;
    // An odd stride through a power-of-two count of pages visits each once,
    // never two neighbours in a row (no sequential read-ahead).
    for (size_t k = 0; k < pages; ++k) {
        size_t page = (start + k * 1031) % pages;
        const uint64_t* p = mapped + page * (kPage / 8);
        size_t w = (page * 7) % (kPage / 8);
        if (p[0] != word_at(page, 0) || p[w] != word_at(page, w)) {
            printf("fault-while-remapping: page %zu reads %#llx, %#llx\n", page, (unsigned long long)p[0],
                   (unsigned long long)p[w]);
            __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
        }
    }
    return NULL;
}

static void* changer(void* arg)
{
    char* area = arg; // 8 pages, read-write
    for (long i = 0; !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); ++i) {
        char* page = area + (1 + i % 6) * kPage;
        void* extra = mmap(NULL, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mprotect(page, kPage, PROT_NONE) != 0 || mprotect(page, kPage, PROT_READ | PROT_WRITE) != 0
            || extra == MAP_FAILED || munmap(extra, kPage) != 0) {
            printf("fault-while-remapping: mprotect/mmap/munmap: %s\n", strerror(errno));
            __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
            break;
        }
        page[0] = (char)i; // writable again
        __atomic_store_n(&changes, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc == 4 && strcmp(argv[1], "--make") == 0)
        return make(argv[2], (size_t)atoi(argv[3]));
    if (argc != 2) {
        fprintf(stderr, "usage: fault-while-remapping --make FILE MIB | fault-while-remapping FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    pages = (size_t)st.st_size / kPage;
    if (pages == 0 || (pages & (pages - 1))) {
        fprintf(stderr, "fault-while-remapping: %s: want a power-of-two count of pages\n", argv[1]);
        return 1;
    }
    uint64_t* view = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    mapped = view;
    char* area = mmap(NULL, 8 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED || area == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_t change, readers[kReaders];
    pthread_create(&change, NULL, changer, area);
    while (__atomic_load_n(&changes, __ATOMIC_ACQUIRE) == 0 && !__atomic_load_n(&failures, __ATOMIC_ACQUIRE))
        sched_yield(); // the changes run before the first fault
    for (int i = 0; i < kReaders; ++i)
        pthread_create(&readers[i], NULL, reader, (void*)(uintptr_t)(i * pages / kReaders));
    for (int i = 0; i < kReaders; ++i)
        pthread_join(readers[i], NULL);
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    pthread_join(change, NULL);
    if (failures)
        return 1;
    // Private: the writes copy the pages; the file keeps its bytes.
    for (size_t page = 0; page < pages; ++page)
        view[page * (kPage / 8) + 1] = ~word_at(page, 1);
    uint64_t buf[kPage / 8];
    for (size_t page = 0; page < pages; ++page) {
        if (pread(fd, buf, sizeof buf, (off_t)(page * kPage)) != (ssize_t)sizeof buf) {
            printf("fault-while-remapping: pread: %s\n", strerror(errno));
            return 1;
        }
        if (buf[1] != word_at(page, 1) || view[page * (kPage / 8) + 1] != ~word_at(page, 1)) {
            printf("fault-while-remapping: a write to the private view of page %zu %s\n", page,
                   buf[1] != word_at(page, 1) ? "reached the file" : "was lost");
            return 1;
        }
    }
    printf("fault-while-remapping: ok: %zu pages read by %d threads while the mappings changed %ld times; "
           "the private writes left the file as it was\n",
           pages, kReaders, changes);
    return 0;
}
