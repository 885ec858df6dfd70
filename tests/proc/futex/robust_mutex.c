/* Robust mutexes (set_robust_list): the owner thread exits holding the
 * lock, or the owner process is killed holding it; the next locker, or
 * the waiter already blocked, gets EOWNERDEAD, makes it consistent and
 * goes on; unlocked without pthread_mutex_consistent it is unusable
 * (ENOTRECOVERABLE). Each case with a plain and a priority-inheritance
 * mutex (FUTEX_LOCK_PI: the waiter is handed the lock at the death). */
#include <pthread.h>
#include <sys/mman.h>
#include "proctest.h"
#include "errnames.h"

struct shared {
    pthread_mutex_t lock;
    int waiter_result;
};

static struct shared* s;
static int ready[2];

static void init_mutex(bool pi, bool pshared)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    must(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0, "setrobust");
    if (pi)
        must(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0, "setprotocol");
    if (pshared)
        must(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0, "setpshared");
    must(pthread_mutex_init(&s->lock, &a) == 0, "mutex_init");
    pthread_mutexattr_destroy(&a);
}

static void signal_ready(void) { must(write(ready[1], "x", 1) == 1, "write"); }
static void await_ready(void)
{
    char c;
    must(read_full(ready[0], &c, 1) == 1, "read");
}

static void* lock_and_exit(void* arg)
{
    (void)arg;
    pthread_mutex_lock(&s->lock);
    signal_ready();
    sleep_ms(100); /* long enough for a waiter to block */
    return NULL;   /* ends holding it */
}

static void* lock_and_report(void* arg)
{
    (void)arg;
    s->waiter_result = pthread_mutex_lock(&s->lock);
    if (s->waiter_result == EOWNERDEAD)
        pthread_mutex_consistent(&s->lock);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void owner_thread_exits(bool pi)
{
    const char* kind = pi ? "pi" : "plain";
    char what[128];
    init_mutex(pi, false);

    pthread_t t;
    must(pthread_create(&t, NULL, lock_and_exit, NULL) == 0, "pthread_create");
    pthread_join(t, NULL);
    await_ready();
    snprintf(what, sizeof what, "%s: lock after the owner thread exited", kind);
    expect_err(what, pthread_mutex_lock(&s->lock), "EOWNERDEAD");
    snprintf(what, sizeof what, "%s: consistent", kind);
    expect_err(what, pthread_mutex_consistent(&s->lock), "0");
    snprintf(what, sizeof what, "%s: unlock", kind);
    expect_err(what, pthread_mutex_unlock(&s->lock), "0");
    snprintf(what, sizeof what, "%s: lock again", kind);
    expect_err(what, pthread_mutex_lock(&s->lock), "0");
    pthread_mutex_unlock(&s->lock);

    /* A waiter already blocked when the owner exits. */
    must(pthread_create(&t, NULL, lock_and_exit, NULL) == 0, "pthread_create");
    await_ready();
    snprintf(what, sizeof what, "%s: blocked lock when the owner thread exits", kind);
    expect_err(what, pthread_mutex_lock(&s->lock), "EOWNERDEAD");
    pthread_join(t, NULL);
    pthread_mutex_consistent(&s->lock);
    pthread_mutex_unlock(&s->lock);

    /* Not made consistent: unusable for good. */
    must(pthread_create(&t, NULL, lock_and_exit, NULL) == 0, "pthread_create");
    pthread_join(t, NULL);
    await_ready();
    snprintf(what, sizeof what, "%s: lock, owner gone once more", kind);
    expect_err(what, pthread_mutex_lock(&s->lock), "EOWNERDEAD");
    snprintf(what, sizeof what, "%s: unlock without consistent", kind);
    expect_err(what, pthread_mutex_unlock(&s->lock), "0");
    snprintf(what, sizeof what, "%s: lock after that", kind);
    expect_err(what, pthread_mutex_lock(&s->lock), "ENOTRECOVERABLE");
    pthread_mutex_destroy(&s->lock);
}

/* A child process takes the lock and is killed holding it: by SIGKILL
 * that it sends itself, or, while a waiter of the parent's is blocked on
 * the lock, by a SIGSEGV of its own. */
static void owner_process_killed(bool pi, bool waiter)
{
    const char* kind = pi ? "pi" : "plain";
    char what[128];
    init_mutex(pi, true);
    pid_t child = pt_fork();
    if (child == 0) {
        no_core();
        pthread_mutex_lock(&s->lock);
        signal_ready();
        if (!waiter)
            kill(getpid(), SIGKILL);
        sleep_ms(200); /* the parent's waiter blocks meanwhile */
        *(volatile int*)0 = 1;
        _exit(1);
    }
    await_ready();
    pthread_t t;
    s->waiter_result = -1;
    if (waiter)
        must(pthread_create(&t, NULL, lock_and_report, NULL) == 0, "pthread_create");
    snprintf(what, sizeof what, "%s: owner process", kind);
    expect_str(what, status_text(pt_wait(child)), waiter ? "killed by SIGSEGV" : "killed by SIGKILL");
    if (waiter) {
        pthread_join(t, NULL);
        snprintf(what, sizeof what, "%s: blocked lock in the parent when the owner is killed", kind);
        expect_err(what, s->waiter_result, "EOWNERDEAD");
        snprintf(what, sizeof what, "%s: lock after that waiter made it consistent", kind);
        expect_err(what, pthread_mutex_lock(&s->lock), "0");
    } else {
        snprintf(what, sizeof what, "%s: lock after the owner process was killed", kind);
        expect_err(what, pthread_mutex_lock(&s->lock), "EOWNERDEAD");
        snprintf(what, sizeof what, "%s: consistent", kind);
        expect_err(what, pthread_mutex_consistent(&s->lock), "0");
    }
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_destroy(&s->lock);
}

/* A child takes the lock (itself, or in a thread of its own that then
 * waits) and execs: execve walks the caller's robust list, and ends the
 * other threads, whose lists are walked as they go. */
static void *lock_and_linger(void* arg)
{
    (void)arg;
    pthread_mutex_lock(&s->lock);
    signal_ready();
    for (;;)
        sleep_ms(1000);
    return NULL;
}

static void owner_execs(bool in_thread)
{
    const char* how = in_thread ? "another thread of the exec'ing process" : "the exec'ing thread";
    char what[160];
    init_mutex(false, true);
    pid_t child = pt_fork();
    if (child == 0) {
        if (in_thread) {
            pthread_t t;
            pthread_create(&t, NULL, lock_and_linger, NULL);
            await_ready();
        } else {
            pthread_mutex_lock(&s->lock);
        }
        char* args[] = { (char*)bin_path("robust_mutex"), (char*)pt_bin, "exit", NULL };
        execv(args[0], args);
        _exit(127);
    }
    snprintf(what, sizeof what, "execve with the lock held by %s: child", how);
    expect_str(what, status_text(pt_wait(child)), "exited 0");
    snprintf(what, sizeof what, "execve with the lock held by %s: lock", how);
    expect_err(what, pthread_mutex_lock(&s->lock), "EOWNERDEAD");
    pthread_mutex_consistent(&s->lock);
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_destroy(&s->lock);
}

int main(int argc, char** argv)
{
    if (argc > 2 && strcmp(argv[2], "exit") == 0)
        return 0; /* the image an owner execs */
    pt_start("robust_mutex", argc, argv);
    s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    must(s != MAP_FAILED, "mmap");
    must(pipe(ready) == 0, "pipe");
    owner_thread_exits(false);
    owner_thread_exits(true);
    owner_process_killed(false, false);
    owner_process_killed(false, true);
    owner_process_killed(true, false);
    owner_process_killed(true, true);
    owner_execs(false);
    owner_execs(true);
    return pt_finish();
}
