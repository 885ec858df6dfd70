/* clock: sleeps 100 ms and checks the monotonic clock saw at least that
 * much (and not absurdly more), and that the wall clock is plausible. */
#include <stdio.h>
#include <time.h>

int main(void)
{
    struct timespec a, b, wall;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec nap = { 0, 100 * 1000 * 1000 };
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    clock_gettime(CLOCK_REALTIME, &wall);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("clock: slept %ld ms; wall clock %lld\n", ms, (long long)wall.tv_sec);
    if (ms < 100 || ms > 5000 || wall.tv_sec < 1700000000) {
        puts("clock: FAIL");
        return 1;
    }
    puts("clock: ok");
    return 0;
}
