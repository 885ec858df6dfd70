/* The FUTEX_*_PI protocol itself, with raw system calls: the word is the
 * owner's tid | FUTEX_WAITERS | FUTEX_OWNER_DIED; LOCK_PI takes a free
 * word for the caller, refuses the owner (EDEADLK) and a tid that is no
 * thread (ESRCH), times out on the wall clock; UNLOCK_PI hands the lock to
 * the waiter by writing its tid, or refuses a non-owner (EPERM). */
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include "proctest.h"
#include "errnames.h"

/* <linux/futex.h>'s, which musl does not install. */
enum {
    FUTEX_LOCK_PI = 6,
    FUTEX_UNLOCK_PI = 7,
    FUTEX_TRYLOCK_PI = 8,
    FUTEX_PRIVATE_FLAG = 128,
    FUTEX_CLOCK_REALTIME = 256,
};
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

static uint32_t word;
static int ready[2];

static long futex(uint32_t* w, int op, const struct timespec* t)
{
    return syscall(SYS_futex, w, op, 0, t, NULL, 0);
}

static pid_t tid(void) { return (pid_t)syscall(SYS_gettid); }

/* Locks with LOCK_PI and reports what the word said about it. */
static struct {
    long result;
    int err;
    bool owner_is_me, waiters_bit;
} got;

static void* lock_pi_thread(void* arg)
{
    (void)arg;
    must(write(ready[1], "x", 1) == 1, "write");
    got.result = futex(&word, FUTEX_LOCK_PI, NULL);
    got.err = errno;
    got.owner_is_me = (word & FUTEX_TID_MASK) == (uint32_t)tid();
    got.waiters_bit = (word & FUTEX_WAITERS) != 0;
    futex(&word, FUTEX_UNLOCK_PI, NULL);
    return NULL;
}

static void* try_and_unlock_thread(void* arg)
{
    (void)arg;
    got.result = futex(&word, FUTEX_TRYLOCK_PI, NULL);
    got.err = errno;
    long r = futex(&word, FUTEX_UNLOCK_PI, NULL);
    got.owner_is_me = r == -1 && errno == EPERM; /* reused: the unlock was refused */
    return NULL;
}

static struct timespec wall_in_ms(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += ms * 1000000L;
    t.tv_sec += t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

static void* timed_lock_thread(void* arg)
{
    (void)arg;
    struct timespec until = wall_in_ms(50);
    got.result = futex(&word, FUTEX_LOCK_PI, &until);
    got.err = errno;
    return NULL;
}

int main(int argc, char** argv)
{
    pt_start("pi_protocol", argc, argv);
    must(pipe(ready) == 0, "pipe");
    uint32_t me = (uint32_t)tid();

    expect_call("lock a free word", futex(&word, FUTEX_LOCK_PI, NULL), "ok");
    expect_yes("word is my tid", word == me);
    expect_call("lock it again", futex(&word, FUTEX_LOCK_PI, NULL), "EDEADLK");
    expect_call("trylock it again", futex(&word, FUTEX_TRYLOCK_PI, NULL), "EDEADLK");
    expect_call("unlock", futex(&word, FUTEX_UNLOCK_PI, NULL), "ok");
    expect_long("word after unlock", word, 0);
    expect_call("unlock a free word", futex(&word, FUTEX_UNLOCK_PI, NULL), "EPERM");
    expect_call("trylock a free word (private)", futex(&word, FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG, NULL), "ok");
    expect_yes("word is my tid", word == me);

    /* Another thread: trylock fails, and it may not unlock our lock. */
    pthread_t t;
    must(pthread_create(&t, NULL, try_and_unlock_thread, NULL) == 0, "pthread_create");
    pthread_join(t, NULL);
    expect_str("other thread: trylock", got.result == -1 ? err_name(got.err) : "ok", "EAGAIN");
    expect_yes("other thread: unlock refused (EPERM)", got.owner_is_me);
    expect_yes("word: my tid, waiters bit set by the failed try", word == (me | FUTEX_WAITERS));
    expect_call("unlock with the waiters bit, nobody waiting", futex(&word, FUTEX_UNLOCK_PI, NULL), "ok");
    expect_long("word after unlock", word, 0);

    /* A waiter is handed the lock by the unlock. */
    futex(&word, FUTEX_LOCK_PI, NULL);
    must(pthread_create(&t, NULL, lock_pi_thread, NULL) == 0, "pthread_create");
    char c;
    must(read_full(ready[0], &c, 1) == 1, "read");
    for (int i = 0; i < 1000 && !(__atomic_load_n(&word, __ATOMIC_SEQ_CST) & FUTEX_WAITERS); i++)
        sleep_ms(10); /* until it sleeps in the kernel */
    expect_yes("word while it waits: my tid | FUTEX_WAITERS", word == (me | FUTEX_WAITERS));
    expect_call("unlock to the waiter", futex(&word, FUTEX_UNLOCK_PI, NULL), "ok");
    pthread_join(t, NULL);
    expect_str("waiter: lock", got.result == -1 ? err_name(got.err) : "ok", "ok");
    expect_yes("waiter: the word had its tid", got.owner_is_me);
    expect_yes("waiter: with FUTEX_WAITERS", got.waiters_bit);
    expect_long("word after the waiter unlocked", word, 0);

    /* A timed lock on the wall clock. */
    futex(&word, FUTEX_LOCK_PI, NULL);
    must(pthread_create(&t, NULL, timed_lock_thread, NULL) == 0, "pthread_create");
    pthread_join(t, NULL);
    expect_str("timed lock of a held word", got.result == -1 ? err_name(got.err) : "ok", "ETIMEDOUT");
    futex(&word, FUTEX_UNLOCK_PI, NULL);
    expect_long("word after unlock", word, 0);

    /* Owner died, free: the next locker keeps FUTEX_OWNER_DIED. */
    word = FUTEX_OWNER_DIED;
    expect_call("lock a word with only FUTEX_OWNER_DIED", futex(&word, FUTEX_LOCK_PI, NULL), "ok");
    expect_yes("word: my tid | FUTEX_OWNER_DIED", word == (me | FUTEX_OWNER_DIED));
    expect_call("unlock", futex(&word, FUTEX_UNLOCK_PI, NULL), "ok");
    expect_long("word after unlock", word, 0);

    /* An owner that is no thread (beyond any pid_max). */
    word = 0x3ffffff0;
    expect_call("lock a word owned by no thread", futex(&word, FUTEX_LOCK_PI, NULL), "ESRCH");
    expect_yes("word: FUTEX_WAITERS added", word == (0x3ffffff0u | FUTEX_WAITERS));
    expect_call("unlock a word owned by another", futex(&word, FUTEX_UNLOCK_PI, NULL), "EPERM");

    /* Misaligned words. */
    char buf[8] __attribute__((aligned(4))) = { 0 };
    expect_call("lock a misaligned word", futex((uint32_t*)(buf + 1), FUTEX_LOCK_PI, NULL), "EINVAL");
    expect_call("FUTEX_CLOCK_REALTIME with LOCK_PI", futex(&word, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, NULL),
                "ENOSYS");
    return pt_finish();
}
