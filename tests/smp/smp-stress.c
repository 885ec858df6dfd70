/* SMP stress: each mode hammers one kernel path from several threads (or
 * processes) at once and checks a result; run on 2 and 4 vCPUs by
 * tests/smp. Modes: cpus, placement, futex, futex-storm, pipes, sockets,
 * mmap, faults, fork, all. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define THREADS 8

static int fails;
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "smp-stress: FAIL %s:%d: ", __func__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            fails++;                                                       \
        }                                                                  \
    } while (0)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_threads(int n, void *(*fn)(void *))
{
    pthread_t t[64];
    for (long i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, fn, (void *)i) != 0) {
            fprintf(stderr, "smp-stress: pthread_create failed\n");
            exit(2);
        }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

/* ---- cpus: how many, and two threads really at the same time ---------- */
static _Atomic uint64_t spin_count[2];
static _Atomic int spin_seen[2], spin_samples[2];
static long spin_switches[2];
static atomic_int spin_start;

static void *spinner(void *arg)
{
    long me = (long)arg, other = 1 - me;
    while (!atomic_load(&spin_start)) {
    }
    /* Sample the other's counter every few thousand own steps, never
     * blocking. On one CPU it can only move while this thread is switched
     * out: each change seen needs a context switch of this thread. More
     * changes than switches: both ran at the same time. */
    struct rusage before, after;
    getrusage(RUSAGE_THREAD, &before);
    uint64_t last = atomic_load(&spin_count[other]);
    double end = now() + 1.0;
    while (now() < end) {
        for (int i = 0; i < 2000; i++)
            atomic_fetch_add_explicit(&spin_count[me], 1, memory_order_relaxed);
        uint64_t v = atomic_load(&spin_count[other]);
        spin_samples[me]++;
        if (v != last)
            spin_seen[me]++;
        last = v;
    }
    getrusage(RUSAGE_THREAD, &after);
    spin_switches[me] = after.ru_nivcsw - before.ru_nivcsw + after.ru_nvcsw - before.ru_nvcsw;
    return NULL;
}

static void test_cpus(int want)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0, "sched_getaffinity: %s", strerror(errno));
    int affinity = CPU_COUNT(&set);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    printf("smp-stress: cpus: sched_getaffinity %d, sysconf(_SC_NPROCESSORS_ONLN) %ld, get_nprocs %d\n", affinity,
           online, get_nprocs());
    if (want)
        CHECK(affinity == want, "sched_getaffinity says %d CPUs, want %d", affinity, want);
    /* A busy host may not run both vCPUs at once for a while: 3 tries. */
    int parallel = 0;
    for (int attempt = 0; attempt < 3 && !parallel; attempt++) {
        atomic_store(&spin_start, 0);
        for (int i = 0; i < 2; i++)
            spin_seen[i] = spin_samples[i] = 0;
        pthread_t t[2];
        for (long i = 0; i < 2; i++)
            pthread_create(&t[i], NULL, spinner, (void *)i);
        atomic_store(&spin_start, 1);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        /* On one CPU each change seen needs a switch of the one who saw it. */
        parallel = (spin_seen[0] - spin_switches[0]) + (spin_seen[1] - spin_switches[1]) > 5;
        printf("smp-stress: cpus: the spinners saw each other advance %d and %d times, with %ld and %ld switches: %s\n",
               spin_seen[0], spin_seen[1], spin_switches[0], spin_switches[1], parallel ? "parallel" : "not parallel");
        if (want <= 1)
            break;
    }
    if (want > 1)
        CHECK(parallel, "two spinning threads did not run at the same time");
}

/* ---- placement: per-CPU run queues keep threads where they are -------- */
/* The CPU the kernel runs the caller on (the vDSO's getcpu may not know). */
static unsigned current_cpu(void)
{
    unsigned cpu = 0;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    return cpu;
}

static int place_threads;
static atomic_int place_started, place_stop;
static unsigned place_cpu[8];
static int place_moves[8];

/* Spins until told to stop, looking at its CPU now and then. */
static void *place_spinner(void *arg)
{
    long me = (long)arg;
    atomic_fetch_add(&place_started, 1);
    while (atomic_load(&place_started) < place_threads) {
    }
    unsigned cpu = current_cpu();
    place_cpu[me] = cpu;
    while (!atomic_load(&place_stop)) {
        for (volatile int i = 0; i < 20000; i++) {
        }
        unsigned now = current_cpu();
        if (now != cpu)
            place_moves[me]++, cpu = now;
    }
    return NULL;
}

/* Sleeps 2 ms again and again: each wake must bring it back to its CPU. */
static void *place_sleeper(void *arg)
{
    long me = (long)arg;
    atomic_fetch_add(&place_started, 1);
    while (atomic_load(&place_started) < place_threads) {
    }
    struct timespec two_ms = { 0, 2000000 };
    nanosleep(&two_ms, NULL);
    unsigned cpu = current_cpu();
    place_cpu[me] = cpu;
    for (int i = 0; i < 40; i++) {
        nanosleep(&two_ms, NULL);
        unsigned now = current_cpu();
        if (now != cpu)
            place_moves[me]++, cpu = now;
    }
    atomic_store(&place_stop, 1);
    return NULL;
}

static void run_placement(int spinners, int sleeper)
{
    pthread_t t[8];
    place_threads = spinners + sleeper;
    atomic_store(&place_started, 0);
    atomic_store(&place_stop, 0);
    memset(place_moves, 0, sizeof place_moves);
    for (long i = 0; i < place_threads; i++)
        pthread_create(&t[i], NULL, i < spinners ? place_spinner : place_sleeper, (void *)i);
    if (!sleeper) {
        struct timespec half = { 0, 500000000 };
        nanosleep(&half, NULL);
        atomic_store(&place_stop, 1);
    }
    for (int i = 0; i < place_threads; i++)
        pthread_join(t[i], NULL);
}

/* Sleeps while every other CPU halts: the boot CPU, which alone waits for
 * deadlines, must learn of the new one (a lost wake-up hangs here). */
static void sleep_alone(void)
{
    unsigned cpu = current_cpu();
    double start = now();
    for (int i = 0; i < 20; i++) {
        struct timespec five_ms = { 0, 5000000 };
        nanosleep(&five_ms, NULL);
    }
    printf("smp-stress: placement: 20 sleeps of 5 ms on CPU %u took %.0f ms\n", cpu, (now() - start) * 1000);
}

/* Whether the last run kept each thread on a CPU of its own, never moving. */
static int placement_kept(int n)
{
    int moves = 0;
    for (int i = 0; i < n; i++) {
        moves += place_moves[i];
        for (int j = 0; j < i; j++)
            if (place_cpu[i] == place_cpu[j])
                return 0;
    }
    return moves == 0;
}

static void test_placement(int want)
{
    sleep_alone();
    /* As many spinners as CPUs (at most 8): one CPU each, for the whole run.
     * A busy host may stall a vCPU long enough for a kernel thread to queue
     * behind a spinner and another CPU to take one: 3 tries, as test_cpus. */
    int n = want < 1 ? 1 : want > 8 ? 8 : want;
    int kept = 0;
    for (int attempt = 0; attempt < 3 && !kept; attempt++) {
        run_placement(n, 0);
        kept = placement_kept(n);
        int moves = 0;
        printf("smp-stress: placement: %d spinners on CPUs", n);
        for (int i = 0; i < n; i++) {
            printf(" %u", place_cpu[i]);
            moves += place_moves[i];
        }
        printf(", %d moves\n", moves);
    }
    CHECK(kept, "in 3 runs, %d spinning threads never each kept a CPU of %d to themselves", n, want);
    if (want < 2)
        return;
    /* A spinner and a thread that sleeps 40 times: neither moves (a timer
     * that wakes the sleeper fires on the spinner's CPU). */
    kept = 0;
    for (int attempt = 0; attempt < 3 && !kept; attempt++) {
        run_placement(1, 1);
        kept = placement_kept(2);
        printf("smp-stress: placement: spinner on CPU %u (%d moves), sleeper on CPU %u (%d moves)\n", place_cpu[0],
               place_moves[0], place_cpu[1], place_moves[1]);
    }
    CHECK(kept, "in 3 runs, the spinner and the sleeper shared a CPU or moved");
}

/* ---- affinity: sched_setaffinity moves a thread and keeps it there ------ */
static cpu_set_t affinity_seen;
static void *affinity_child(void *arg)
{
    (void)arg;
    CPU_ZERO(&affinity_seen);
    sched_getaffinity(0, sizeof affinity_seen, &affinity_seen);
    return NULL;
}

static void test_affinity(int want)
{
    int n = want < 1 ? 1 : want;
    cpu_set_t all, one;
    CHECK(sched_getaffinity(0, sizeof all, &all) == 0, "sched_getaffinity: %s", strerror(errno));
    for (int cpu = n - 1; cpu >= 0; cpu--) {
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        CHECK(sched_setaffinity(0, sizeof one, &one) == 0, "sched_setaffinity(CPU %d): %s", cpu, strerror(errno));
        /* At once on that CPU, and there still after spinning and sleeping. */
        unsigned at = current_cpu();
        double end = now() + 0.05;
        int away = 0;
        while (now() < end)
            away += current_cpu() != (unsigned)cpu;
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
        away += current_cpu() != (unsigned)cpu;
        CHECK(at == (unsigned)cpu && away == 0, "bound to CPU %d: ran on CPU %u, then %d times elsewhere", cpu, at, away);
        /* The vDSO's getcpu (sched_getcpu) says the same. */
        CHECK(sched_getcpu() == cpu, "bound to CPU %d: sched_getcpu says %d", cpu, sched_getcpu());
        cpu_set_t got;
        CHECK(sched_getaffinity(0, sizeof got, &got) == 0 && CPU_EQUAL(&got, &one), "sched_getaffinity after binding to CPU %d",
              cpu);
    }
    /* A new thread starts with its creator's mask. */
    pthread_t t;
    pthread_create(&t, NULL, affinity_child, NULL);
    pthread_join(t, NULL);
    CHECK(CPU_COUNT(&affinity_seen) == 1 && CPU_ISSET(0, &affinity_seen), "a new thread's mask: %d CPUs",
          CPU_COUNT(&affinity_seen));
    /* Only CPUs that do not exist: EINVAL; another thread's by its tid. */
    CPU_ZERO(&one);
    CPU_SET(40, &one);
    errno = 0;
    CHECK(sched_setaffinity(0, sizeof one, &one) == -1 && errno == EINVAL, "a mask of CPU 40 only: %s", strerror(errno));
    CHECK(sched_getaffinity(999999, sizeof one, &one) == -1 && errno == ESRCH, "sched_getaffinity of no thread: %s",
          strerror(errno));
    CHECK(sched_setaffinity(0, sizeof all, &all) == 0, "sched_setaffinity(all): %s", strerror(errno));
    printf("smp-stress: affinity: bound to each of %d CPUs in turn, inherited by a new thread\n", n);
}

/* ---- futex: mutex + condvar hand-off, and a plain locked counter -------- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter, turn;
#define ROUNDS 20000
#define BATONS 400

static void *futex_worker(void *arg)
{
    long me = (long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    /* A baton passed round all threads: each waits for its turn. */
    for (int i = 0; i < BATONS / THREADS; i++) {
        pthread_mutex_lock(&lock);
        while (turn % THREADS != me)
            pthread_cond_wait(&cond, &lock);
        turn++;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void test_futex(void)
{
    counter = turn = 0;
    run_threads(THREADS, futex_worker);
    CHECK(counter == (long)THREADS * ROUNDS, "locked counter %ld, want %ld", counter, (long)THREADS * ROUNDS);
    CHECK(turn == BATONS, "baton passed %ld times, want %d", turn, BATONS);
    printf("smp-stress: futex: counter %ld, batons %ld\n", counter, turn);
}

/* ---- futex-storm: the futex fast path (no big lock) from many threads --
 * Raw FUTEX_WAIT/WAKE ping-pong pairs (half with the bitset forms), a
 * bounded buffer on a mutex and two condition variables, waits that time
 * out while others wake, requeues, signals to waiting threads, and
 * WAKE_OP hand-offs and adds. A lost
 * wake-up hangs: a watchdog fails the run after STORM_LIMIT seconds. */
#define PAIRS 4
#define PINGS 2000
#define STORM_LIMIT 150

static long futex_call(atomic_int *addr, int op, int val, const struct timespec *ts, atomic_int *addr2, int val3)
{
    return syscall(SYS_futex, addr, op, val, ts, addr2, val3);
}

static atomic_int storm_done;
static void *storm_watchdog(void *arg)
{
    (void)arg;
    for (int i = 0; i < STORM_LIMIT * 10 && !atomic_load(&storm_done); i++)
        usleep(100000);
    if (!atomic_load(&storm_done)) {
        fprintf(stderr, "smp-stress: FAIL futex-storm: still running after %d s (a lost wake-up?)\n", STORM_LIMIT);
        _exit(1);
    }
    return NULL;
}

static atomic_int ping_word[PAIRS * 16]; /* a cache line each */
static _Atomic long ping_handoffs;
static void *pinger(void *arg)
{
    long i = (long)arg;
    int pair = (int)(i / 2), side = (int)(i % 2), bitset = pair % 2;
    atomic_int *w = &ping_word[pair * 16];
    for (int n = 0; n < PINGS; n++) {
        int v;
        while ((v = atomic_load(w)) != side) {
            long r = bitset ? futex_call(w, FUTEX_WAIT_BITSET_PRIVATE, v, NULL, NULL, 1 << side)
                            : futex_call(w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
            if (r != 0 && errno != EAGAIN && errno != EINTR) {
                CHECK(0, "FUTEX_WAIT: %s", strerror(errno));
                return NULL;
            }
        }
        atomic_store(w, !side);
        atomic_fetch_add(&ping_handoffs, 1);
        if (bitset)
            futex_call(w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 1 << !side);
        else
            futex_call(w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    return NULL;
}

#define SLOTS 4
#define ITEMS 3000
static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t buf_not_full = PTHREAD_COND_INITIALIZER, buf_not_empty = PTHREAD_COND_INITIALIZER;
static long buf[SLOTS], buf_count, buf_head, buf_sum, buf_taken;
static void *producer(void *arg)
{
    (void)arg;
    for (long v = 1; v <= ITEMS; v++) {
        pthread_mutex_lock(&buf_lock);
        while (buf_count == SLOTS)
            pthread_cond_wait(&buf_not_full, &buf_lock);
        buf[(buf_head + buf_count++) % SLOTS] = v;
        pthread_cond_signal(&buf_not_empty);
        pthread_mutex_unlock(&buf_lock);
    }
    return NULL;
}
static void *consumer(void *arg)
{
    (void)arg;
    for (long n = 0; n < ITEMS; n++) {
        pthread_mutex_lock(&buf_lock);
        while (buf_count == 0)
            pthread_cond_wait(&buf_not_empty, &buf_lock);
        buf_sum += buf[buf_head];
        buf_head = (buf_head + 1) % SLOTS;
        buf_count--;
        buf_taken++;
        pthread_cond_signal(&buf_not_full);
        pthread_mutex_unlock(&buf_lock);
    }
    return NULL;
}

#define TIMED_WAITS 40
static atomic_int never_woken;
static _Atomic int timeouts_ok, timeouts_early;
static void *timed_waiter(void *arg)
{
    long i = (long)arg;
    for (int n = 0; n < TIMED_WAITS; n++) {
        double start = now();
        struct timespec ts;
        long r;
        if (i % 2) { /* relative */
            ts = (struct timespec){ 0, 2000000 };
            r = futex_call(&never_woken, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
        } else { /* absolute, monotonic */
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += 2000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            r = futex_call(&never_woken, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
        }
        if (r == -1 && errno == ETIMEDOUT)
            atomic_fetch_add(&timeouts_ok, 1);
        if (now() - start < 0.0019)
            atomic_fetch_add(&timeouts_early, 1);
    }
    return NULL;
}

#define REQUEUE_WAITERS 6
#define REQUEUE_ROUNDS 20
static atomic_int rq_from, rq_to;
static void *requeue_waiter(void *arg)
{
    (void)arg;
    while (atomic_load(&rq_from) == 0)
        futex_call(&rq_from, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}
static int requeue_round(void)
{
    pthread_t t[REQUEUE_WAITERS];
    atomic_store(&rq_from, 0);
    for (long i = 0; i < REQUEUE_WAITERS; i++)
        pthread_create(&t[i], NULL, requeue_waiter, NULL);
    usleep(2000);
    atomic_store(&rq_from, 1);
    /* Wake one, move the rest to rq_to (CMP: only while rq_from is 1), then wake those. */
    long r = futex_call(&rq_from, FUTEX_CMP_REQUEUE_PRIVATE, 1, (const struct timespec *)(uintptr_t)INT_MAX, &rq_to, 1);
    CHECK(r >= 0, "FUTEX_CMP_REQUEUE: %s", strerror(errno));
    r = futex_call(&rq_from, FUTEX_CMP_REQUEUE_PRIVATE, 1, (const struct timespec *)(uintptr_t)INT_MAX, &rq_to, 0);
    CHECK(r == -1 && errno == EAGAIN, "FUTEX_CMP_REQUEUE with a stale value: %ld (%s)", r, strerror(errno));
    futex_call(&rq_to, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    for (int i = 0; i < REQUEUE_WAITERS; i++)
        pthread_join(t[i], NULL);
    return 1;
}

static atomic_int sig_word, sig_handled;
static _Atomic int sig_eintr;
static void on_usr1(int sig)
{
    (void)sig;
    atomic_fetch_add(&sig_handled, 1);
}
static void *signalled_waiter(void *arg)
{
    (void)arg;
    while (atomic_load(&sig_word) == 0) {
        long r = futex_call(&sig_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        if (r == -1 && errno == EINTR)
            atomic_fetch_add(&sig_eintr, 1);
    }
    return NULL;
}
#define SIGNALS 200

/* WAKE_OP, as glibc's condition variables before 2.25 used it: a
 * ping-pong whose hand-off sets the word and wakes the other side in one
 * call (the kernel's write is what the waiter waits for), and threads
 * adding to one word, half through WAKE_OP ADD 1 and half in user space
 * (the kernel's change must be atomic against theirs: the sum exact). */
#define WAKEOP_PINGS 2000
#define WAKEOP_ADDERS 4
#define WAKEOP_ADDS 5000
static atomic_int wakeop_word, wakeop_other, wakeop_sum;
static _Atomic long wakeop_handoffs;
static void *wakeop_pinger(void *arg)
{
    int side = (int)(long)arg;
    for (int n = 0; n < WAKEOP_PINGS; n++) {
        int v;
        while ((v = atomic_load(&wakeop_word)) != side) {
            long r = futex_call(&wakeop_word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
            if (r != 0 && errno != EAGAIN && errno != EINTR) {
                CHECK(0, "FUTEX_WAIT: %s", strerror(errno));
                return NULL;
            }
        }
        atomic_fetch_add(&wakeop_handoffs, 1);
        int next = !side;
        long r = futex_call(&wakeop_other, FUTEX_WAKE_OP_PRIVATE, 1, (const struct timespec *)1, &wakeop_word,
                            FUTEX_OP(FUTEX_OP_SET, next, FUTEX_OP_CMP_EQ, side));
        if (r < 0) {
            CHECK(0, "FUTEX_WAKE_OP: %s", strerror(errno));
            return NULL;
        }
    }
    return NULL;
}
static void *wakeop_adder(void *arg)
{
    int in_kernel = (int)(long)arg % 2;
    for (int n = 0; n < WAKEOP_ADDS; n++) {
        if (!in_kernel)
            atomic_fetch_add(&wakeop_sum, 1);
        else if (futex_call(&wakeop_other, FUTEX_WAKE_OP_PRIVATE, 1, NULL, &wakeop_sum,
                            FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_LT, 0)) < 0) {
            CHECK(0, "FUTEX_WAKE_OP ADD: %s", strerror(errno));
            return NULL;
        }
    }
    return NULL;
}
static void wakeop_part(void)
{
    pthread_t t[2 + WAKEOP_ADDERS];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, wakeop_pinger, (void *)i);
    for (long i = 0; i < WAKEOP_ADDERS; i++)
        pthread_create(&t[2 + i], NULL, wakeop_adder, (void *)i);
    for (int i = 0; i < 2 + WAKEOP_ADDERS; i++)
        pthread_join(t[i], NULL);
}

/* Priority-inheritance mutexes: their uncontended lock and unlock are a
 * cmpxchg in user space, racing the kernel's changes of the word (waiters'
 * bit, hand-over) from other CPUs; a lost change is a lost wake-up (the
 * watchdog) or two owners at once (the count). */
#define PI_THREADS 4
#define PI_ROUNDS 3000
static pthread_mutex_t pi_lock;
static long pi_count;
static atomic_int pi_inside;
static _Atomic int pi_overlaps;
static void *pi_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < PI_ROUNDS; i++) {
        pthread_mutex_lock(&pi_lock);
        if (atomic_fetch_add(&pi_inside, 1) != 0)
            atomic_fetch_add(&pi_overlaps, 1);
        pi_count++;
        for (volatile int spin = 0; spin < (i % 7) * 20; spin++) {
        }
        atomic_fetch_sub(&pi_inside, 1);
        pthread_mutex_unlock(&pi_lock);
    }
    return NULL;
}
static void pi_part(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pi_lock, &attr);
    run_threads(PI_THREADS, pi_worker);
}

static void *storm_part(void *arg)
{
    long part = (long)arg;
    if (part == 0)
        run_threads(PAIRS * 2, pinger);
    else if (part == 1) {
        pthread_t p[3], c[3];
        for (int i = 0; i < 3; i++) {
            pthread_create(&p[i], NULL, producer, NULL);
            pthread_create(&c[i], NULL, consumer, NULL);
        }
        for (int i = 0; i < 3; i++) {
            pthread_join(p[i], NULL);
            pthread_join(c[i], NULL);
        }
    } else if (part == 2)
        run_threads(4, timed_waiter);
    else if (part == 3)
        for (int i = 0; i < REQUEUE_ROUNDS; i++)
            requeue_round();
    else if (part == 5)
        wakeop_part();
    else if (part == 6)
        pi_part();
    else {
        struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART: EINTR */
        sigaction(SIGUSR1, &sa, NULL);
        pthread_t waiter;
        pthread_create(&waiter, NULL, signalled_waiter, NULL);
        for (int k = 1; k <= SIGNALS; k++) {
            pthread_kill(waiter, SIGUSR1);
            while (atomic_load(&sig_handled) < k)
                sched_yield();
        }
        atomic_store(&sig_word, 1);
        futex_call(&sig_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        pthread_join(waiter, NULL);
    }
    return NULL;
}

static void test_futex_storm(void)
{
    pthread_t dog;
    atomic_store(&storm_done, 0);
    pthread_create(&dog, NULL, storm_watchdog, NULL);
    double start = now();
    run_threads(7, storm_part); /* all parts at once */
    atomic_store(&storm_done, 1);
    pthread_join(dog, NULL);
    CHECK(ping_handoffs == (long)PAIRS * 2 * PINGS, "ping-pong hand-offs %ld, want %ld", (long)ping_handoffs,
          (long)PAIRS * 2 * PINGS);
    long want_sum = 3L * ITEMS * (ITEMS + 1) / 2;
    CHECK(buf_taken == 3L * ITEMS && buf_sum == want_sum, "bounded buffer: %ld items, sum %ld; want %ld, %ld",
          buf_taken, buf_sum, 3L * ITEMS, want_sum);
    CHECK(timeouts_ok == 4 * TIMED_WAITS, "%d of %d timed waits ended with ETIMEDOUT", timeouts_ok, 4 * TIMED_WAITS);
    CHECK(timeouts_early == 0, "%d timed waits ended before their 2 ms", timeouts_early);
    CHECK(sig_handled == SIGNALS && sig_eintr <= SIGNALS && sig_eintr > 0,
          "signals to a futex waiter: %d handled, %d EINTR, want %d handled", sig_handled, sig_eintr, SIGNALS);
    CHECK(wakeop_handoffs == 2L * WAKEOP_PINGS, "WAKE_OP hand-offs %ld, want %ld", (long)wakeop_handoffs,
          2L * WAKEOP_PINGS);
    CHECK(wakeop_sum == WAKEOP_ADDERS * WAKEOP_ADDS, "WAKE_OP and user-space adds: sum %d, want %d", wakeop_sum,
          WAKEOP_ADDERS * WAKEOP_ADDS);
    CHECK(pi_count == (long)PI_THREADS * PI_ROUNDS && pi_overlaps == 0,
          "PI mutex: count %ld, want %ld; %d times two threads held it", pi_count, (long)PI_THREADS * PI_ROUNDS,
          pi_overlaps);
    printf("smp-stress: futex-storm: %ld hand-offs, %ld items, %d timeouts, %d requeue rounds, %d signals "
           "(%d EINTR), %ld WAKE_OP hand-offs, WAKE_OP sum %d, PI mutex count %ld in %.1f s\n",
           (long)ping_handoffs, buf_taken, timeouts_ok, REQUEUE_ROUNDS, sig_handled, sig_eintr,
           (long)wakeop_handoffs, wakeop_sum, pi_count, now() - start);
}

/* ---- pipes and sockets: pairs of threads stream checksummed data ------- */
#define STREAM_BYTES (512 * 1024)
static int stream_fds[THREADS][2];
static uint64_t stream_sum[THREADS][2];

static void *stream_worker(void *arg)
{
    long id = (long)arg, pair = id / 2;
    int writer = id % 2 == 0;
    unsigned char buf[3000];
    uint64_t sum = 0;
    size_t done = 0;
    unsigned seed = (unsigned)pair * 7919u;
    while (done < STREAM_BYTES) {
        size_t n = sizeof buf < STREAM_BYTES - done ? sizeof buf : STREAM_BYTES - done;
        if (writer) {
            n = 1 + (seed = seed * 1103515245u + 12345u) % n;
            for (size_t i = 0; i < n; i++)
                buf[i] = (unsigned char)(done + i + pair), sum += buf[i] * (done + i + 1);
            for (size_t off = 0; off < n;) {
                ssize_t w = write(stream_fds[pair][1], buf + off, n - off);
                if (w <= 0) {
                    fprintf(stderr, "smp-stress: write: %s\n", strerror(errno));
                    return NULL;
                }
                off += w;
            }
        } else {
            ssize_t r = read(stream_fds[pair][0], buf, n);
            if (r <= 0) {
                fprintf(stderr, "smp-stress: read: %s\n", r ? strerror(errno) : "end of stream");
                return NULL;
            }
            for (ssize_t i = 0; i < r; i++)
                sum += buf[i] * (done + i + 1);
            n = r;
        }
        done += n;
    }
    stream_sum[pair][writer] = sum;
    return NULL;
}

static void check_streams(const char *what)
{
    int ok = 0;
    for (int p = 0; p < THREADS / 2; p++) {
        CHECK(stream_sum[p][0] == stream_sum[p][1] && stream_sum[p][0], "%s pair %d: sent sum %llu, received %llu",
              what, p, (unsigned long long)stream_sum[p][1], (unsigned long long)stream_sum[p][0]);
        ok += stream_sum[p][0] == stream_sum[p][1];
        close(stream_fds[p][0]);
        if (stream_fds[p][1] != stream_fds[p][0])
            close(stream_fds[p][1]);
    }
    printf("smp-stress: %s: %d of %d streams of %d bytes intact\n", what, ok, THREADS / 2, STREAM_BYTES);
}

static void test_pipes(void)
{
    memset(stream_sum, 0, sizeof stream_sum);
    for (int p = 0; p < THREADS / 2; p++)
        CHECK(pipe(stream_fds[p]) == 0, "pipe: %s", strerror(errno));
    run_threads(THREADS, stream_worker);
    check_streams("pipes");
}

static void test_sockets(void)
{
    memset(stream_sum, 0, sizeof stream_sum);
    /* Half over TCP on 127.0.0.1, half over AF_UNIX stream pairs. */
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    CHECK(listener >= 0 && bind(listener, (struct sockaddr *)&a, sizeof a) == 0 && listen(listener, 8) == 0
              && getsockname(listener, (struct sockaddr *)&a, &len) == 0,
          "TCP listener: %s", strerror(errno));
    for (int p = 0; p < THREADS / 2; p++) {
        if (p % 2 == 0) {
            int c = socket(AF_INET, SOCK_STREAM, 0);
            CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
            int s = accept(listener, NULL, NULL);
            CHECK(s >= 0, "accept: %s", strerror(errno));
            stream_fds[p][0] = s, stream_fds[p][1] = c;
        } else {
            int sv[2];
            CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s", strerror(errno));
            stream_fds[p][0] = sv[0], stream_fds[p][1] = sv[1];
        }
    }
    close(listener);
    run_threads(THREADS, stream_worker);
    check_streams("sockets");
}

/* ---- mmap: mappings change under threads that write through them ------ */
/* A shared memory file is mapped twice: the writers' view W (changed by
 * mprotect/munmap while they write) and a checking view C. Once mprotect
 * or munmap returns, no write through W may land: C must stay still. A
 * CPU that kept a stale TLB entry would go on writing. */
#define MMAP_ROUNDS 60
static volatile unsigned char *volatile mmap_view;
static atomic_int mmap_phase, mmap_stop;
static _Atomic long mmap_writes, mmap_faults;
static __thread sigjmp_buf fault_jump;
static __thread volatile int fault_armed;

static void on_segv(int sig)
{
    (void)sig;
    if (fault_armed)
        siglongjmp(fault_jump, 1);
    _exit(3);
}

static void *mmap_writer(void *arg)
{
    long me = (long)arg;
    while (!atomic_load(&mmap_stop)) {
        int phase = atomic_load(&mmap_phase);
        if (phase % 2 == 0) { /* mapping being changed: wait */
            sched_yield();
            continue;
        }
        fault_armed = 1;
        if (sigsetjmp(fault_jump, 1) == 0) {
            volatile unsigned char *v = mmap_view;
            for (int i = 0; i < 1000 && atomic_load(&mmap_phase) == phase; i++) {
                v[(me * 512 + i) % 4096] = (unsigned char)(i + 1);
                atomic_fetch_add(&mmap_writes, 1);
            }
        } else {
            atomic_fetch_add(&mmap_faults, 1);
            /* Wait for the next round. */
            while (atomic_load(&mmap_phase) == phase && !atomic_load(&mmap_stop))
                sched_yield();
        }
        fault_armed = 0;
    }
    return NULL;
}

static void test_mmap(void)
{
    struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_NODEFER };
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    int fd = memfd_create("smp-stress", 0);
    CHECK(fd >= 0 && ftruncate(fd, 4096) == 0, "memfd: %s", strerror(errno));
    unsigned char *check = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(check != MAP_FAILED, "mmap: %s", strerror(errno));
    pthread_t t[THREADS];
    int writers = THREADS - 1;
    for (long i = 0; i < writers; i++)
        pthread_create(&t[i], NULL, mmap_writer, (void *)i);
    int stale = 0;
    for (int round = 0; round < MMAP_ROUNDS; round++) {
        void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK(w != MAP_FAILED, "mmap: %s", strerror(errno));
        mmap_view = w;
        atomic_store(&mmap_phase, 2 * round + 1); /* write */
        long before = atomic_load(&mmap_writes);
        double until = now() + 1.0;
        while (atomic_load(&mmap_writes) - before < 200 && now() < until)
            sched_yield();
        /* Unmap or write-protect under the writers' feet. */
        int r = round % 2 ? munmap(w, 4096) : mprotect(w, 4096, PROT_READ);
        CHECK(r == 0, "munmap/mprotect: %s", strerror(errno));
        unsigned char snap[4096];
        memcpy(snap, check, 4096);
        for (volatile int spin = 0; spin < 200000; spin++) {
        }
        if (memcmp(snap, check, 4096) != 0)
            stale++;
        atomic_store(&mmap_phase, 2 * round + 2); /* stop writing */
        if (round % 2 == 0)
            munmap(w, 4096);
        memset(snap, 0, sizeof snap);
        pwrite(fd, snap, 4096, 0);
    }
    atomic_store(&mmap_stop, 1);
    for (int i = 0; i < writers; i++)
        pthread_join(t[i], NULL);
    CHECK(stale == 0, "%d of %d rounds saw a write after munmap/mprotect returned (a stale TLB entry)", stale,
          MMAP_ROUNDS);
    printf("smp-stress: mmap: %d rounds, %ld writes, %ld faults, %d stale writes\n", MMAP_ROUNDS,
           (long)mmap_writes, (long)mmap_faults, stale);
    close(fd);
}

/* ---- faults: first touches of anonymous memory from every thread ------
 * (the kernel serves them without its big lock) while another thread
 * changes the regions (mmap, munmap, mprotect, a split of the shared
 * region) and forks children that check copy-on-write. Each page holds
 * its owner's stamp; a page mapped twice, lost, or not zeroed shows. */
#define FAULT_PAGES 4096 /* 16 MiB shared by the touchers, page i to thread i % n */
#define FAULT_ROUNDS 24
#define FAULT_PRIVATE_PAGES 256
static unsigned char *fault_shared;
static int fault_touchers;
static atomic_int fault_done;
static _Atomic long fault_bad, fault_pages_touched;

static uint64_t stamp(long owner, long round, long page) { return (uint64_t)owner << 48 | (uint64_t)round << 32 | (uint64_t)page; }

static void *fault_toucher(void *arg)
{
    long me = (long)arg;
    /* The shared region: reads of others' pages first touch them too
     * (zero, or the owner's stamp), writes of one's own. */
    for (long i = me; i < FAULT_PAGES; i += fault_touchers) {
        volatile uint64_t *other = (volatile uint64_t *)(fault_shared + ((i + 1) % FAULT_PAGES) * 4096);
        uint64_t seen = other[1];
        if (seen != 0 && seen != stamp((i + 1) % fault_touchers, 0, (i + 1) % FAULT_PAGES))
            atomic_fetch_add(&fault_bad, 1);
        ((volatile uint64_t *)(fault_shared + i * 4096))[1] = stamp(me, 0, i);
        atomic_fetch_add(&fault_pages_touched, 1);
    }
    /* Private regions of one's own, mapped, filled, checked, unmapped. */
    for (long round = 1; round <= FAULT_ROUNDS; round++) {
        size_t len = FAULT_PRIVATE_PAGES * 4096;
        unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            atomic_fetch_add(&fault_bad, 1);
            continue;
        }
        for (long i = 0; i < FAULT_PRIVATE_PAGES; i += 2) /* a read first: a zero page */
            if (((volatile uint64_t *)(p + i * 4096))[7] != 0)
                atomic_fetch_add(&fault_bad, 1);
        for (long i = 0; i < FAULT_PRIVATE_PAGES; i++)
            ((uint64_t *)(p + i * 4096))[i % 512] = stamp(me, round, i);
        for (long i = 0; i < FAULT_PRIVATE_PAGES; i++)
            if (((uint64_t *)(p + i * 4096))[i % 512] != stamp(me, round, i))
                atomic_fetch_add(&fault_bad, 1);
        atomic_fetch_add(&fault_pages_touched, FAULT_PRIVATE_PAGES);
        munmap(p, len);
    }
    return NULL;
}

static void *fault_disturber(void *arg)
{
    (void)arg;
    /* A region written before each fork: the child must see it as it was,
     * while the parent goes on writing. */
    uint64_t *frozen = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int round = 0;
    while (!atomic_load(&fault_done)) {
        round++;
        void *small = mmap(NULL, 4096 * (1 + round % 7), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (small != MAP_FAILED) {
            memset(small, round, 4096);
            mprotect(small, 4096, PROT_READ);
        }
        for (int i = 0; i < 64; i++)
            frozen[i * 512] = (uint64_t)round << 8 | (uint64_t)i;
        if (round % 8 == 0) {
            pid_t pid = fork();
            if (pid == 0) {
                for (int spin = 0; spin < 3; spin++)
                    for (int i = 0; i < 64; i++)
                        if (frozen[i * 512] != ((uint64_t)round << 8 | (uint64_t)i))
                            _exit(1);
                _exit(0);
            }
            for (int i = 0; i < 64; i++)
                frozen[i * 512] = ~0ull; /* copy-on-write in the parent */
            int status;
            if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                atomic_fetch_add(&fault_bad, 1);
        }
        if (small != MAP_FAILED)
            munmap(small, 4096 * (1 + round % 7));
    }
    munmap(frozen, 64 * 4096);
    return NULL;
}

static void test_faults(void)
{
    fault_touchers = THREADS - 2;
    fault_shared = mmap(NULL, FAULT_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fault_shared != MAP_FAILED, "mmap: %s", strerror(errno));
    pthread_t disturber, t[THREADS];
    pthread_create(&disturber, NULL, fault_disturber, NULL);
    for (long i = 0; i < fault_touchers; i++)
        pthread_create(&t[i], NULL, fault_toucher, (void *)i);
    for (int i = 0; i < fault_touchers; i++)
        pthread_join(t[i], NULL);
    atomic_store(&fault_done, 1);
    pthread_join(disturber, NULL);
    int wrong = 0;
    for (long i = 0; i < FAULT_PAGES; i++)
        if (((uint64_t *)(fault_shared + i * 4096))[1] != stamp(i % fault_touchers, 0, i))
            wrong++;
    CHECK(wrong == 0, "%d of %d shared pages lost their owner's stamp", wrong, FAULT_PAGES);
    CHECK(fault_bad == 0, "%ld pages or children saw wrong contents", (long)fault_bad);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    CHECK(ru.ru_maxrss >= FAULT_PAGES * 4, "ru_maxrss %ld KiB, below the %d KiB touched", ru.ru_maxrss,
          FAULT_PAGES * 4);
    printf("smp-stress: faults: %ld pages first-touched by %d threads, %d wrong, %ld bad; maxrss covers them: %s\n",
           (long)fault_pages_touched, fault_touchers, wrong, (long)fault_bad,
           ru.ru_maxrss >= FAULT_PAGES * 4 ? "yes" : "no");
    munmap(fault_shared, FAULT_PAGES * 4096);
}

/* ---- fork: several threads fork and wait at once ---------------------- */
#define FORKS 12
static _Atomic int fork_ok;

static void *fork_worker(void *arg)
{
    long me = (long)arg;
    for (int i = 0; i < FORKS; i++) {
        int code = (int)((me * 31 + i) % 200);
        pid_t pid = fork();
        if (pid == 0)
            _exit(code);
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == code)
            atomic_fetch_add(&fork_ok, 1);
    }
    return NULL;
}

static void test_fork(void)
{
    int n = 4;
    run_threads(n, fork_worker);
    CHECK(fork_ok == n * FORKS, "%d of %d fork/wait rounds gave the right status", fork_ok, n * FORKS);
    printf("smp-stress: fork: %d of %d children waited for with their status\n", fork_ok, n * FORKS);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "all";
    int want = argc > 2 ? atoi(argv[2]) : 0;
    int all = !strcmp(mode, "all");
    if (all || !strcmp(mode, "cpus"))
        test_cpus(want);
    if (all || !strcmp(mode, "placement"))
        test_placement(want);
    if (all || !strcmp(mode, "affinity"))
        test_affinity(want);
    if (all || !strcmp(mode, "futex"))
        test_futex();
    if (all || !strcmp(mode, "futex-storm"))
        test_futex_storm();
    if (all || !strcmp(mode, "pipes"))
        test_pipes();
    if (all || !strcmp(mode, "sockets"))
        test_sockets();
    if (all || !strcmp(mode, "mmap"))
        test_mmap();
    if (all || !strcmp(mode, "faults"))
        test_faults();
    if (all || !strcmp(mode, "fork"))
        test_fork();
    printf("smp-stress: %s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}
