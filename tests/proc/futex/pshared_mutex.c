/* A process-shared pthread mutex and condition variable in MAP_SHARED
 * memory: parent and child take turns through them across fork, so every
 * wait must be woken by the other process (futex keys of shared memory). */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "proctest.h"

enum { kRounds = 200 };

struct shared {
    pthread_mutex_t lock;
    pthread_cond_t turn_changed;
    int turn; /* 0: the parent's, 1: the child's */
    int count;
};

static void take_turns(struct shared* s, int me)
{
    for (int i = 0; i < kRounds; i++) {
        pthread_mutex_lock(&s->lock);
        while (s->turn != me)
            pthread_cond_wait(&s->turn_changed, &s->lock);
        s->count++;
        s->turn = !me;
        pthread_cond_broadcast(&s->turn_changed);
        pthread_mutex_unlock(&s->lock);
    }
}

int main(int argc, char** argv)
{
    pt_start("pshared_mutex", argc, argv);
    struct shared* s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    must(s != MAP_FAILED, "mmap");
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    expect_long("mutexattr_setpshared", pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
    must(pthread_mutex_init(&s->lock, &ma) == 0, "mutex_init");
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    expect_long("condattr_setpshared", pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
    must(pthread_cond_init(&s->turn_changed, &ca) == 0, "cond_init");

    pid_t child = pt_fork();
    if (child == 0) {
        take_turns(s, 1);
        _exit(0);
    }
    take_turns(s, 0);
    expect_str("child", status_text(pt_wait(child)), "exited 0");
    expect_long("turns taken by both", s->count, 2 * kRounds);

    /* The mutex alone: the child holds it while the parent blocks. */
    int ready[2], release[2];
    must(pipe(ready) == 0 && pipe(release) == 0, "pipe");
    child = pt_fork();
    if (child == 0) {
        pthread_mutex_lock(&s->lock);
        must(write(ready[1], "x", 1) == 1, "write");
        char c;
        must(read_full(release[0], &c, 1) == 1, "read");
        sleep_ms(100); /* the parent's lock waits meanwhile */
        s->count = -1;
        pthread_mutex_unlock(&s->lock);
        _exit(0);
    }
    char c;
    must(read_full(ready[0], &c, 1) == 1, "read");
    expect_yes("trylock while the child holds it: EBUSY", pthread_mutex_trylock(&s->lock) == EBUSY);
    must(write(release[1], "x", 1) == 1, "write");
    expect_long("lock after the child unlocks", pthread_mutex_lock(&s->lock), 0);
    expect_long("the child's write is seen", s->count, -1);
    pthread_mutex_unlock(&s->lock);
    expect_str("child", status_text(pt_wait(child)), "exited 0");

    /* Private memory after fork is each process's own: a private futex
     * word at the same address in both does not wake across them. */
    static int word;
    child = pt_fork();
    if (child == 0) {
        struct timespec t = { 0, 200 * 1000000L };
        long r = syscall(SYS_futex, &word, 0 /* FUTEX_WAIT */, 0, &t, NULL, 0);
        _exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    sleep_ms(50);
    long woken = syscall(SYS_futex, &word, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0);
    expect_long("a wake of a copy-on-write word reaches", woken, 0);
    expect_str("child's wait timed out", status_text(pt_wait(child)), "exited 0");
    return pt_finish();
}
