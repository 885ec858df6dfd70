/* alarm and setitimer(ITIMER_REAL): SIGALRM to the process, pause until
 * it, what alarm and getitimer report, a periodic timer, and a signal
 * reaching a thread that computes without making system calls. */
#include "common.h"
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t alarms;
static siginfo_t last;
static void on_alarm(int sig, siginfo_t *si, void *ctx)
{
    last = *si;
    ++alarms;
}

static long ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

int main(void)
{
    clean_start();
    install(SIGALRM, on_alarm, 0);

    say("alarm(0) with none: %u", alarm(0));
    alarm(5);
    say("alarm(3) after alarm(5): %u", alarm(3));
    struct itimerval value;
    getitimer(ITIMER_REAL, &value);
    say("getitimer: between 2 and 3 s=%d interval=%ld", value.it_value.tv_sec == 2 || value.it_value.tv_sec == 3,
        value.it_interval.tv_sec + value.it_interval.tv_usec);
    say("alarm(0): %u", alarm(0));
    getitimer(ITIMER_REAL, &value);
    say("disarmed: value=%ld", value.it_value.tv_sec + value.it_value.tv_usec);

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    alarm(1);
    int r = pause();
    long took = ms_since(&start);
    say("alarm(1) + pause: %s alarms=%d signo=%d code=%d after about 1 s=%d", result(r), alarms, last.si_signo,
        last.si_code, took >= 950 && took < 3000);

    /* Periodic: three SIGALRMs 50 ms apart, caught while computing. */
    struct itimerval every = { { 0, 50000 }, { 0, 50000 } }, old;
    alarms = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    setitimer(ITIMER_REAL, &every, &old);
    volatile unsigned long spins = 0;
    while (alarms < 3)
        ++spins;
    took = ms_since(&start);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, &value);
    say("periodic while computing: alarms=%d old value=%ld took>=140ms=%d interval=%ld", alarms,
        old.it_value.tv_sec + old.it_value.tv_usec, took >= 140, value.it_interval.tv_usec);

    /* A one-shot timer keeps no interval; bad values are refused. */
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    say("setitimer usec 1000000: %s", result(setitimer(ITIMER_REAL, &bad, NULL)));
    say("setitimer which 9: %s", result(setitimer(9, &off, NULL)));
    say("getitimer which 9: %s", result(getitimer(9, &value)));

    /* SIGALRM with the default action ends the process: 142. */
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    for (;;)
        pause();
}
