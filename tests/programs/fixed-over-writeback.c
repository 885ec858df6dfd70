/* One thread maps a file shared, dirties its pages and maps anonymous
 * memory over it with MAP_FIXED (the old view's write-back sleeps: a 9P
 * share, each write a round trip to the host) while another thread
 * mmaps and munmaps without an address. No mmap may ever return memory
 * inside a range another mapping holds: the MAP_FIXED range is held
 * throughout (the file's view, then the new memory), as Linux's mmap_lock
 * makes it. Then the file holds the last round's stores.
 * Usage: fixed-over-writeback FILE (on the share) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define PAGES 8
#define LEN (PAGES * PAGE)
/* With one CPU each write-back's round trip waits for the other thread's
 * slice to end (10 ms a page): rounds are kept few. The old order failed
 * within the first seconds. */
#define ROUNDS 60

static atomic_uintptr_t busy; /* the MAP_FIXED range's start while held */
static atomic_int stop;
static atomic_long overlaps, other_rounds;

static void* other(void* arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        char* p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            exit(1);
        }
        uintptr_t s = atomic_load(&busy);
        if (s && (uintptr_t)p < s + LEN && s < (uintptr_t)p + LEN)
            atomic_fetch_add(&overlaps, 1);
        munmap(p, LEN);
        atomic_fetch_add(&other_rounds, 1);
    }
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fixed-over-writeback FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, LEN) != 0) {
        perror(argv[1]);
        return 1;
    }
    pthread_t t;
    pthread_create(&t, NULL, other, NULL);
    while (atomic_load(&other_rounds) == 0)
        sched_yield(); /* running */
    int bad_fixed = 0;
    for (int round = 1; round <= ROUNDS; round++) {
        char* m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) {
            perror("mmap shared");
            return 1;
        }
        for (int i = 0; i < PAGES; i++)
            m[i * PAGE] = (char)round;
        atomic_store(&busy, (uintptr_t)m);
        char* f = mmap(m, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        bad_fixed += f != m || f[0] != 0 || f[LEN - 1] != 0;
        atomic_store(&busy, 0);
        munmap(m, LEN);
    }
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    char c = 0;
    int bad_file = 0;
    for (int i = 0; i < PAGES; i++)
        bad_file += pread(fd, &c, 1, (off_t)i * PAGE) != 1 || c != (char)ROUNDS;
    printf("rounds %d, the other thread's mmaps %ld, inside the held range %ld, bad MAP_FIXED %d, "
           "pages not written back %d\n",
           ROUNDS, atomic_load(&other_rounds), atomic_load(&overlaps), bad_fixed, bad_file);
    if (atomic_load(&overlaps) || bad_fixed || bad_file || atomic_load(&other_rounds) == 0) {
        printf("fixed-over-writeback: FAIL\n");
        return 1;
    }
    printf("fixed-over-writeback: ok\n");
    return 0;
}
