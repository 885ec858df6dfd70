/* Priority-inheritance mutexes (PTHREAD_PRIO_INHERIT: FUTEX_LOCK_PI and
 * UNLOCK_PI whenever contended): threads contend for one, then two
 * processes for one in shared memory; an error-checking one reports
 * EDEADLK and EPERM; a timed lock times out. */
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include "proctest.h"
#include "errnames.h"

enum { kThreads = 4, kRounds = 300 };

struct shared {
    pthread_mutex_t lock;
    long count;
    bool inside;
    bool overlapped;
};
static struct shared* s;

static void init_mutex(int type, bool pshared)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    must(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0, "setprotocol");
    must(pthread_mutexattr_settype(&a, type) == 0, "settype");
    if (pshared)
        must(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0, "setpshared");
    must(pthread_mutex_init(&s->lock, &a) == 0, "mutex_init");
    pthread_mutexattr_destroy(&a);
}

static void contend(void)
{
    for (int i = 0; i < kRounds; i++) {
        pthread_mutex_lock(&s->lock);
        if (s->inside)
            s->overlapped = true;
        s->inside = true;
        long before = s->count;
        if (i % 8 == 0)
            sched_yield(); /* let the others find it locked */
        s->count = before + 1;
        s->inside = false;
        pthread_mutex_unlock(&s->lock);
    }
}

static void* contender(void* arg)
{
    (void)arg;
    contend();
    return NULL;
}

static int release[2];

/* Holds the lock from saying so until told to let go (and a little more,
 * so that the main thread's lock waits in the kernel). */
static void* hold_for_a_while(void* arg)
{
    int* ready = arg;
    pthread_mutex_lock(&s->lock);
    must(write(ready[1], "x", 1) == 1, "write");
    char c;
    must(read_full(release[0], &c, 1) == 1, "read");
    sleep_ms(100);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int main(int argc, char** argv)
{
    pt_start("pi_mutex", argc, argv);
    s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    must(s != MAP_FAILED, "mmap");

    init_mutex(PTHREAD_MUTEX_NORMAL, false);
    pthread_t t[kThreads];
    for (int i = 0; i < kThreads; i++)
        must(pthread_create(&t[i], NULL, contender, NULL) == 0, "pthread_create");
    for (int i = 0; i < kThreads; i++)
        pthread_join(t[i], NULL);
    expect_long("threads: count", s->count, kThreads * kRounds);
    expect_yes("threads: never two inside", !s->overlapped);
    pthread_mutex_destroy(&s->lock);

    s->count = 0;
    init_mutex(PTHREAD_MUTEX_NORMAL, true);
    pid_t child = pt_fork();
    if (child == 0) {
        contend();
        _exit(0);
    }
    contend();
    expect_str("child", status_text(pt_wait(child)), "exited 0");
    expect_long("processes: count", s->count, 2 * kRounds);
    expect_yes("processes: never two inside", !s->overlapped);
    pthread_mutex_destroy(&s->lock);

    init_mutex(PTHREAD_MUTEX_ERRORCHECK, false);
    expect_err("errorcheck: unlock unlocked", pthread_mutex_unlock(&s->lock), "EPERM");
    expect_err("errorcheck: lock", pthread_mutex_lock(&s->lock), "0");
    expect_err("errorcheck: lock again", pthread_mutex_lock(&s->lock), "EDEADLK");
    expect_err("errorcheck: unlock", pthread_mutex_unlock(&s->lock), "0");

    int ready[2];
    must(pipe(ready) == 0 && pipe(release) == 0, "pipe");
    pthread_t holder;
    must(pthread_create(&holder, NULL, hold_for_a_while, ready) == 0, "pthread_create");
    char c;
    must(read_full(ready[0], &c, 1) == 1, "read");
    expect_err("held by another thread: trylock", pthread_mutex_trylock(&s->lock), "EBUSY");
    expect_err("held by another thread: unlock", pthread_mutex_unlock(&s->lock), "EPERM");
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 50 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    expect_err("held by another thread: timedlock", pthread_mutex_timedlock(&s->lock, &until), "ETIMEDOUT");
    must(write(release[1], "x", 1) == 1, "write");
    expect_err("lock: waits for the holder", pthread_mutex_lock(&s->lock), "0");
    expect_err("unlock", pthread_mutex_unlock(&s->lock), "0");
    pthread_join(holder, NULL);
    pthread_mutex_destroy(&s->lock);
    return pt_finish();
}
