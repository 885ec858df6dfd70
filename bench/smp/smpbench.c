/* bench/smp: a CPU-bound parallel workload. T threads (default: the CPUs
 * the program may run on) each hash their own buffer (disjoint, 1 MiB, so
 * no cache line is shared) until together they hashed TOTAL MiB; prints
 * the wall time and the throughput as "NAME VALUE UNIT" lines for run:
 *   cpus N count / threads T count / hash_ms MS ms / hash_rate R MiB/s
 * and a checksum, the same for any T (each MiB block's hash depends only
 * on its index), so a wrong result cannot pass as a fast one.
 *
 * --mutex: the system-call-heavy workload instead. PAIRS pairs of threads
 * (the same number at every CPU count) pass a turn back and forth under a
 * pthread mutex and condition variable of their own, HANDOFFS times each
 * pair: every hand-off is futex waits and wakes. Prints mutex_ms and, as
 * its checksum, the hand-offs counted.
 *
 * --faults: the page-fault-heavy workload instead. One thread per CPU, as
 * hash, each maps CHUNK bytes of anonymous memory, writes a word into each
 * page (each first touch a page fault), reads them back and unmaps it,
 * until together they did TOTAL chunks (what a program's allocator does
 * growing and shrinking its heap). Prints faults_ms and a checksum of the
 * words read, the same for any T.
 * Usage: smpbench [--quick] [--mutex|--faults] [THREADS] */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define BLOCK (1u << 20)

static unsigned total_blocks, nthreads;
static uint64_t block_hash[1024];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Block b of the stream: filled from its index, then hashed (FNV-1a over
 * 64-bit words, a multiply-xor per word). */
static void *worker(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg;
    uint64_t *buf = malloc(BLOCK);
    if (!buf)
        return NULL;
    for (unsigned b = me; b < total_blocks; b += nthreads) {
        uint64_t x = 0x9e3779b97f4a7c15ull * (b + 1);
        for (unsigned i = 0; i < BLOCK / 8; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = x;
        }
        uint64_t h = 0xcbf29ce484222325ull;
        for (int round = 0; round < 4; round++)
            for (unsigned i = 0; i < BLOCK / 8; i++)
                h = (h ^ buf[i]) * 0x100000001b3ull;
        block_hash[b] = h;
    }
    free(buf);
    return NULL;
}

#define PAIRS 4
struct pair {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned turn;
    unsigned long handoffs;
} pairs[PAIRS];
static unsigned handoffs_each;

static void *passer(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg;
    struct pair *p = &pairs[me / 2];
    unsigned side = me % 2;
    for (unsigned i = 0; i < handoffs_each; i++) {
        pthread_mutex_lock(&p->lock);
        while (p->turn != side)
            pthread_cond_wait(&p->cond, &p->lock);
        p->turn = !side;
        p->handoffs++;
        pthread_cond_signal(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static int mutex_workload(int quick, int cpus)
{
    handoffs_each = quick ? 1000 : 5000;
    pthread_t t[PAIRS * 2];
    for (unsigned i = 0; i < PAIRS; i++) {
        pthread_mutex_init(&pairs[i].lock, NULL);
        pthread_cond_init(&pairs[i].cond, NULL);
    }
    double start = now();
    for (unsigned i = 0; i < PAIRS * 2; i++)
        pthread_create(&t[i], NULL, passer, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < PAIRS * 2; i++)
        pthread_join(t[i], NULL);
    double s = now() - start;
    unsigned long sum = 0;
    for (unsigned i = 0; i < PAIRS; i++)
        sum += pairs[i].handoffs;
    printf("cpus %d count\nthreads %u count\nmutex_ms %.1f ms\nchecksum %016lx\n", cpus, PAIRS * 2, s * 1000, sum);
    fflush(stdout);
    return 0;
}

#define CHUNK (4u << 20)
static uint64_t chunk_sum[1024];

static void *toucher(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg;
    for (unsigned c = me; c < total_blocks; c += nthreads) {
        unsigned char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        for (unsigned off = 0; off < CHUNK; off += 4096)
            *(uint64_t *)(p + off) = (uint64_t)c * CHUNK + off;
        uint64_t h = 0xcbf29ce484222325ull;
        for (unsigned off = 0; off < CHUNK; off += 4096)
            h = (h ^ *(uint64_t *)(p + off)) * 0x100000001b3ull;
        chunk_sum[c] = h;
        munmap(p, CHUNK);
    }
    return NULL;
}

static int faults_workload(int quick, int cpus)
{
    total_blocks = quick ? 32 : 128;
    pthread_t t[64];
    double start = now();
    for (unsigned i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, toucher, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    double s = now() - start;
    uint64_t sum = 0;
    for (unsigned c = 0; c < total_blocks; c++)
        sum = sum * 31 + chunk_sum[c];
    printf("cpus %d count\nthreads %u count\nfaults_ms %.1f ms\nchecksum %016llx\n", cpus, nthreads, s * 1000,
           (unsigned long long)sum);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && !strcmp(argv[1], "--quick");
    if (quick)
        argc--, argv++;
    int mutex = argc > 1 && !strcmp(argv[1], "--mutex");
    if (mutex)
        argc--, argv++;
    int faults = argc > 1 && !strcmp(argv[1], "--faults");
    if (faults)
        argc--, argv++;
    cpu_set_t set;
    CPU_ZERO(&set);
    int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    if (mutex)
        return mutex_workload(quick, cpus);
    nthreads = argc > 1 ? (unsigned)atoi(argv[1]) : (unsigned)cpus;
    if (nthreads < 1 || nthreads > 64)
        nthreads = 1;
    if (faults)
        return faults_workload(quick, cpus);
    total_blocks = quick ? 64 : 512;
    pthread_t t[64];
    double start = now();
    for (unsigned i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    double s = now() - start;
    uint64_t sum = 0;
    for (unsigned b = 0; b < total_blocks; b++)
        sum = sum * 31 + block_hash[b];
    printf("cpus %d count\nthreads %u count\nhash_ms %.1f ms\nhash_rate %.1f MiB/s\nchecksum %016llx\n", cpus, nthreads,
           s * 1000, total_blocks / s, (unsigned long long)sum);
    fflush(stdout);
    return 0;
}
