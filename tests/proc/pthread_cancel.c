/* pthread_cancel: deferred cancellation at cancellation points a thread
 * is blocked in (read of an empty pipe, nanosleep, pthread_cond_wait and
 * timedwait, pause, select, poll, sem_wait, accept, sigwaitinfo,
 * waitpid) and at pthread_testcancel, asynchronous
 * cancellation of a busy loop, a cancel held while disabled, cleanup
 * handlers run last-pushed first (with the mutex pthread_cond_wait
 * re-took), and pthread_join's PTHREAD_CANCELED. musl cancels with
 * signal 33 (SA_SIGINFO, the handler moves the interrupted PC to its
 * cancel path when a system call was in progress), glibc with signal 32
 * and unwinding through the signal frame. */
#include "proctest.h"
#include <pthread.h>
#include <semaphore.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>

static sem_t started;
static int pipe_fds[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int cleanup_order[8], cleanups;
static volatile int reached_after; /* set if a thread ran past its cancellation point */

static void cleanup(void* arg)
{
    if (cleanups < 8)
        cleanup_order[cleanups] = (int)(long)arg;
    cleanups++;
}

static void unlock_cleanup(void* arg)
{
    (void)arg;
    /* pthread_cond_wait re-takes the mutex before the handlers run. */
    if (pthread_mutex_trylock(&lock) == EBUSY)
        cleanup((void*)100);
    pthread_mutex_unlock(&lock);
}

static void* in_read(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)1);
    pthread_cleanup_push(cleanup, (void*)2);
    sem_post(&started);
    char c;
    (void)read(pipe_fds[0], &c, 1);
    reached_after = 1;
    pthread_cleanup_pop(0);
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_nanosleep(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)3);
    sem_post(&started);
    struct timespec t = { 60, 0 };
    nanosleep(&t, NULL);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_cond_wait(void* arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cleanup_push(unlock_cleanup, NULL);
    sem_post(&started);
    for (;;)
        pthread_cond_wait(&never, &lock);
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_pause(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)4);
    sem_post(&started);
    pause();
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_select(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)5);
    sem_post(&started);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(pipe_fds[0], &r);
    select(pipe_fds[0] + 1, &r, NULL, NULL, NULL);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static sem_t never_posted;
static void* in_sem_wait(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)8);
    sem_post(&started);
    sem_wait(&never_posted);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_cond_timedwait(void* arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cleanup_push(unlock_cleanup, NULL);
    sem_post(&started);
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += 60;
    for (;;)
        pthread_cond_timedwait(&never, &lock, &t);
    pthread_cleanup_pop(0);
    return NULL;
}

static int listener = -1;
static void* in_accept(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)9);
    sem_post(&started);
    (void)accept(listener, NULL, NULL);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_poll(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)10);
    sem_post(&started);
    struct pollfd p = { pipe_fds[0], POLLIN, 0 };
    (void)poll(&p, 1, -1);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static void* in_sigwaitinfo(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)11);
    sem_post(&started);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    siginfo_t si;
    (void)sigwaitinfo(&s, &si);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static pid_t sleeper;
static void* in_waitpid(void* arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void*)12);
    sem_post(&started);
    int status;
    (void)waitpid(sleeper, &status, 0);
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static volatile int spinning;
static void* busy(void* arg)
{
    (void)arg;
    int old;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
    pthread_cleanup_push(cleanup, (void*)6);
    sem_post(&started);
    for (;;)
        spinning++; /* no cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

static sem_t go_on;
static volatile int disabled_ran_on;
static void* disabled(void* arg)
{
    (void)arg;
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    pthread_cleanup_push(cleanup, (void*)7);
    sem_post(&started);
    /* Cancelled now, but disabled: the sleep runs to its end. */
    sem_wait(&go_on);
    struct timespec t = { 0, 20000000 };
    nanosleep(&t, NULL);
    disabled_ran_on = 1;
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    pthread_testcancel();
    reached_after = 1;
    pthread_cleanup_pop(0);
    return NULL;
}

static void run(const char* what, void* (*fn)(void*), int settle_ms)
{
    pthread_t th;
    cleanups = 0;
    reached_after = 0;
    must(pthread_create(&th, NULL, fn, NULL) == 0, "pthread_create");
    sem_wait(&started);
    sleep_ms(settle_ms); /* let it block in its call */
    char buf[128];
    snprintf(buf, sizeof buf, "%s: pthread_cancel", what);
    expect_long(buf, pthread_cancel(th), 0);
    void* result = NULL;
    snprintf(buf, sizeof buf, "%s: pthread_join", what);
    expect_long(buf, pthread_join(th, &result), 0);
    snprintf(buf, sizeof buf, "%s: PTHREAD_CANCELED", what);
    expect_yes(buf, result == PTHREAD_CANCELED);
    snprintf(buf, sizeof buf, "%s: stopped at the cancellation point", what);
    expect_yes(buf, !reached_after);
}

static void expect_cleanups(const char* what, int n, const int* order)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s: cleanup handlers run", what);
    expect_long(buf, cleanups, n);
    int same = 1;
    for (int i = 0; i < n && i < 8; i++)
        same &= cleanup_order[i] == order[i];
    snprintf(buf, sizeof buf, "%s: last pushed first", what);
    expect_yes(buf, same);
}

int main(int argc, char** argv)
{
    pt_start("pthread_cancel", argc, argv);
    sem_init(&started, 0, 0);
    sem_init(&go_on, 0, 0);
    must(pipe(pipe_fds) == 0, "pipe");

    run("read", in_read, 50);
    expect_cleanups("read", 2, (const int[]) { 2, 1 });
    run("nanosleep", in_nanosleep, 50);
    expect_cleanups("nanosleep", 1, (const int[]) { 3 });
    run("pthread_cond_wait", in_cond_wait, 50);
    expect_cleanups("pthread_cond_wait (mutex held)", 1, (const int[]) { 100 });
    expect_long("the mutex is free after", pthread_mutex_trylock(&lock), 0);
    pthread_mutex_unlock(&lock);
    run("pause", in_pause, 50);
    expect_cleanups("pause", 1, (const int[]) { 4 });
    run("select", in_select, 50);
    expect_cleanups("select", 1, (const int[]) { 5 });
    sem_init(&never_posted, 0, 0);
    run("sem_wait", in_sem_wait, 50);
    expect_cleanups("sem_wait", 1, (const int[]) { 8 });
    run("pthread_cond_timedwait", in_cond_timedwait, 50);
    expect_cleanups("pthread_cond_timedwait (mutex held)", 1, (const int[]) { 100 });
    expect_long("the mutex is free after it", pthread_mutex_trylock(&lock), 0);
    pthread_mutex_unlock(&lock);
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", scratch_path("listener"));
    must(bind(listener, (struct sockaddr*)&addr, sizeof addr) == 0 && listen(listener, 1) == 0, "listen");
    run("accept", in_accept, 50);
    expect_cleanups("accept", 1, (const int[]) { 9 });
    run("poll", in_poll, 50);
    expect_cleanups("poll", 1, (const int[]) { 10 });
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    run("sigwaitinfo", in_sigwaitinfo, 50);
    expect_cleanups("sigwaitinfo", 1, (const int[]) { 11 });
    sleeper = pt_fork();
    if (sleeper == 0) {
        pause();
        _exit(0);
    }
    run("waitpid", in_waitpid, 50);
    expect_cleanups("waitpid", 1, (const int[]) { 12 });
    kill(sleeper, SIGKILL);
    expect_str("the child is still there to reap", status_text(pt_wait(sleeper)), "killed by SIGKILL");
    run("asynchronous", busy, 50);
    expect_cleanups("asynchronous", 1, (const int[]) { 6 });
    expect_yes("it was spinning", spinning > 0);

    /* Disabled: the cancel waits until it is enabled and tested. */
    pthread_t th;
    cleanups = 0;
    reached_after = 0;
    must(pthread_create(&th, NULL, disabled, NULL) == 0, "pthread_create");
    sem_wait(&started);
    expect_long("disabled: pthread_cancel", pthread_cancel(th), 0);
    sem_post(&go_on);
    void* result = NULL;
    expect_long("disabled: pthread_join", pthread_join(th, &result), 0);
    expect_yes("disabled: ran on through its sleep", disabled_ran_on);
    expect_yes("disabled: then cancelled at pthread_testcancel", result == PTHREAD_CANCELED && !reached_after);
    expect_cleanups("disabled", 1, (const int[]) { 7 });

    /* The pipe still works: nothing of the cancelled reads was taken. */
    must(write(pipe_fds[1], "x", 1) == 1, "write");
    char c = 0;
    expect_long("pipe read after", read(pipe_fds[0], &c, 1), 1);
    close(listener);
    const char* names[] = { "listener", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
