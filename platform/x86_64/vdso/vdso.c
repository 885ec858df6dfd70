/* Husk's vDSO for x86-64 programs: the clock calls glibc and musl look up
 * (__vdso_clock_gettime, __vdso_gettimeofday, __vdso_time, __vdso_getcpu,
 * __vdso_clock_getres, version LINUX_2.6) answered in user mode from the
 * TSC and the data page the kernel maps right below this object
 * (struct husk_vvar). Clocks it does not know, or a platform without a
 * usable TSC (valid 0), take the system call. Built position independent,
 * with no library: it runs inside every program. */
#include <husk/platform.h>

/* Defined by vdso.lds: the page before this object's first byte. */
extern const struct husk_vvar husk_vvar __attribute__((visibility("hidden")));

enum {
    NR_gettimeofday = 96, NR_time = 201, NR_clock_gettime = 228, NR_clock_getres = 229, NR_getcpu = 309,
    CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
    CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
    COARSE_RESOLUTION = 4000000, /* the kernel's (syscall/time.cpp) */
};

struct timespec_abi {
    long tv_sec, tv_nsec;
};
struct timeval_abi {
    long tv_sec, tv_usec;
};

static long syscall3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "0"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

/* Monotonic ns since boot, or 0 when user mode cannot read the clock;
 * *wall_base set too. rdtsc after lfence: not before earlier loads. */
static int read_clock(uint64_t *ns, uint64_t *wall_base)
{
    const volatile struct husk_vvar *v = &husk_vvar;
    for (;;) {
        uint32_t seq = v->seq;
        __asm__ volatile("" ::: "memory");
        if (seq & 1)
            continue;
        if (!v->clock.valid)
            return 0;
        uint64_t base = v->clock.counter_base, mult = v->clock.mult, wall = v->clock.wall_base;
        uint32_t shift = v->clock.shift;
        uint32_t lo, hi;
        __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
        uint64_t ticks = (((uint64_t)hi << 32) | lo) - base;
        __asm__ volatile("" ::: "memory");
        if (v->seq != seq)
            continue;
        *ns = (uint64_t)(((unsigned __int128)ticks * mult) >> shift);
        *wall_base = wall;
        return 1;
    }
}

/* The clock's time in ns, or -1 for a clock left to the kernel. */
static int64_t clock_ns(long clock)
{
    uint64_t ns, wall;
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return read_clock(&ns, &wall) ? (int64_t)(wall + ns) : -1;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return read_clock(&ns, &wall) ? (int64_t)ns : -1;
    default:
        return -1;
    }
}

int __vdso_clock_gettime(long clock, struct timespec_abi *ts)
{
    int64_t ns = clock_ns(clock);
    if (ns < 0)
        return (int)syscall3(NR_clock_gettime, clock, (long)ts, 0);
    ts->tv_sec = ns / 1000000000;
    ts->tv_nsec = ns % 1000000000;
    return 0;
}

int __vdso_gettimeofday(struct timeval_abi *tv, int *tz)
{
    int64_t ns = clock_ns(CLOCK_REALTIME);
    if (ns < 0)
        return (int)syscall3(NR_gettimeofday, (long)tv, (long)tz, 0);
    if (tv) {
        tv->tv_sec = ns / 1000000000;
        tv->tv_usec = ns % 1000000000 / 1000;
    }
    if (tz)
        tz[0] = tz[1] = 0; /* UTC, no DST: what the kernel answers */
    return 0;
}

long __vdso_time(long *t)
{
    int64_t ns = clock_ns(CLOCK_REALTIME);
    if (ns < 0)
        return syscall3(NR_time, (long)t, 0, 0);
    long seconds = ns / 1000000000;
    if (t)
        *t = seconds;
    return seconds;
}

/* One CPU, one node. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
    (void)cache;
    if (husk_vvar.getcpu != HUSK_VDSO_GETCPU_RDTSCP)
        return syscall3(NR_getcpu, (long)cpu, (long)node, 0);
    unsigned lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    (void)lo;
    (void)hi;
    if (cpu)
        *cpu = aux & 0xfff;
    if (node)
        *node = aux >> 12;
    return 0;
}

int __vdso_clock_getres(long clock, struct timespec_abi *res)
{
    long nsec;
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
        nsec = 1;
        break;
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
        nsec = COARSE_RESOLUTION;
        break;
    default:
        return (int)syscall3(NR_clock_getres, clock, (long)res, 0);
    }
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = nsec;
    }
    return 0;
}

/* The names without the prefix, as Linux's vDSO also exports them. */
int clock_gettime(long, struct timespec_abi *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_abi *, int *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(long, struct timespec_abi *) __attribute__((weak, alias("__vdso_clock_getres")));
