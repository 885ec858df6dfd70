/* The counts of FUTEX_WAKE, REQUEUE and CMP_REQUEUE at their edges, with
 * raw system calls and real waiting threads: a wake count of 0 or a
 * negative one (val is an int to Linux: UINT_MAX is -1) wakes one waiter,
 * INT_MAX all of them; a negative count to wake or to move in a requeue
 * is EINVAL; a requeue waking 0 and moving 0 does nothing. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include "proctest.h"

enum {
    FUTEX_WAIT = 0,
    FUTEX_WAKE = 1,
    FUTEX_REQUEUE = 3,
    FUTEX_CMP_REQUEUE = 4,
    FUTEX_PRIVATE_FLAG = 128,
};

static long futex(uint32_t* w, int op, uint32_t val, unsigned long val2, uint32_t* w2, uint32_t val3)
{
    return syscall(SYS_futex, w, op | FUTEX_PRIVATE_FLAG, val, (void*)val2, w2, val3);
}

static uint32_t word __attribute__((aligned(64))), other __attribute__((aligned(64)));

/* How many threads wait on w, waking none: CMP_REQUEUE onto w itself. */
static long waiting(uint32_t* w) { return futex(w, FUTEX_CMP_REQUEUE, 0, INT_MAX, w, 0); }

static bool until_waiting(uint32_t* w, long n)
{
    for (int i = 0; i < 2000; i++) {
        if (waiting(w) == n)
            return true;
        sleep_ms(5);
    }
    return false;
}

static void* wait_on_word(void* arg)
{
    (void)arg;
    /* Woken, or moved to `other` and woken there: 0 either way. */
    if (futex(&word, FUTEX_WAIT, 0, 0, NULL, 0) != 0)
        say("a waiter's FUTEX_WAIT: %s (expected ok)", errno_name(errno));
    return NULL;
}

#define WAITERS 4

int main(int argc, char** argv)
{
    pt_start("futex_counts", argc, argv);
    pthread_t t[WAITERS];
    for (int i = 0; i < WAITERS; i++)
        must(pthread_create(&t[i], NULL, wait_on_word, NULL) == 0, "pthread_create");
    must(until_waiting(&word, WAITERS), "the waiters waiting");

    expect_long("FUTEX_WAKE of 0 wakes", futex(&word, FUTEX_WAKE, 0, 0, NULL, 0), 1);
    expect_yes("then 3 wait", until_waiting(&word, 3));
    expect_long("FUTEX_WAKE of UINT_MAX (-1) wakes", futex(&word, FUTEX_WAKE, UINT_MAX, 0, NULL, 0), 1);
    expect_yes("then 2 wait", until_waiting(&word, 2));

    long r = futex(&word, FUTEX_REQUEUE, UINT_MAX, 1, &other, 0);
    expect_outcome("FUTEX_REQUEUE waking -1", r, "EINVAL");
    r = futex(&word, FUTEX_REQUEUE, 0, UINT_MAX, &other, 0);
    expect_outcome("FUTEX_REQUEUE moving -1", r, "EINVAL");
    r = futex(&word, FUTEX_CMP_REQUEUE, 1, (unsigned long)UINT_MAX, &other, 0);
    expect_outcome("FUTEX_CMP_REQUEUE moving -1", r, "EINVAL");
    expect_long("FUTEX_CMP_REQUEUE waking 0, moving 0", futex(&word, FUTEX_CMP_REQUEUE, 0, 0, &other, 0), 0);
    expect_yes("still 2 wait", until_waiting(&word, 2));

    /* One moved to `other` (none woken), then all woken: INT_MAX each. */
    expect_long("FUTEX_REQUEUE waking 0, moving 1", futex(&word, FUTEX_REQUEUE, 0, 1, &other, 0), 1);
    expect_yes("then 1 waits on each word", until_waiting(&word, 1) && until_waiting(&other, 1));
    expect_long("FUTEX_WAKE of INT_MAX on the word", futex(&word, FUTEX_WAKE, INT_MAX, 0, NULL, 0), 1);
    expect_long("FUTEX_WAKE of INT_MAX on the other", futex(&other, FUTEX_WAKE, INT_MAX, 0, NULL, 0), 1);
    for (int i = 0; i < WAITERS; i++)
        pthread_join(t[i], NULL);
    return pt_finish();
}
