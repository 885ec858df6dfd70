/* clock-bench: the cost of clock_gettime(CLOCK_MONOTONIC) through libc
 * (the vDSO where the kernel maps one) and through the system call, in
 * ns per call; then whether the two clocks agree. Output: one line per
 * way, "vdso NS", "syscall NS", and "agree yes|no".
 *   clock-bench [CALLS] */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static double per_call(int use_syscall, long calls)
{
    struct timespec start, end, t;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &start);
    for (long i = 0; i < calls; ++i) {
        if (use_syscall)
            syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
        else
            clock_gettime(CLOCK_MONOTONIC, &t);
    }
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &end);
    return (double)(ns(&end) - ns(&start)) / (double)calls;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    printf("vdso mapped %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
    printf("vdso %.1f\n", per_call(0, calls));
    printf("syscall %.1f\n", per_call(1, calls));
    /* The vDSO's clocks against the kernel's: each read lies between two
     * system-call reads; time() and gettimeofday() match the wall clock. */
    int agree = 1;
    for (int i = 0; i < 1000; ++i) {
        struct timespec a, b, c, wa, wb, wc;
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
        clock_gettime(CLOCK_MONOTONIC, &b);
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &c);
        agree &= ns(&a) <= ns(&b) && ns(&b) <= ns(&c);
        syscall(SYS_clock_gettime, CLOCK_REALTIME, &wa);
        clock_gettime(CLOCK_REALTIME, &wb);
        syscall(SYS_clock_gettime, CLOCK_REALTIME, &wc);
        agree &= ns(&wa) <= ns(&wb) && ns(&wb) <= ns(&wc);
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    long long wall = (long long)syscall(SYS_time, NULL);
    time_t now = time(NULL);
    agree &= tv.tv_sec >= wall - 1 && tv.tv_sec <= wall + 1 && now >= wall - 1 && now <= wall + 1;
    agree &= sched_getcpu() >= 0;
    printf("agree %s\n", agree ? "yes" : "no");
    return agree ? 0 : 1;
}
