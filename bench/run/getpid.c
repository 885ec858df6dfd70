/* getpid: the cost of a system call that does nothing, measured by the
 * program itself (CLOCK_MONOTONIC around N raw getpid calls), so the same
 * binary can run on the host, in Husk and in a Linux guest. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; ++i)
        syscall(SYS_getpid);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
    printf("getpid: %.1f ns per call (%ld calls)\n", ns, n);
    return 0;
}
