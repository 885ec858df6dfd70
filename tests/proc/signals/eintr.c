/* System calls a signal interrupts (signal(7)): a pipe read fails with
 * EINTR after a handler without SA_RESTART and goes on with it; a write
 * returns what it wrote; sleeps, poll, select, epoll_wait, sigsuspend-like
 * waits fail with EINTR even with SA_RESTART; nanosleep reports the time
 * left; waitpid fails with EINTR, or goes on with SA_RESTART; sockets:
 * restarted without a timeout, EINTR with SO_RCVTIMEO. */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t handled;
static void on_signal(int sig, siginfo_t *si, void *ctx) { ++handled; }

/* SIGALRM in ms milliseconds, once. */
static void alarm_in(int ms)
{
    struct itimerval t = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &t, NULL);
}

static pthread_t main_thread;
static int helper_fd = -1;

/* Signals the main thread after 100 ms, then writes a byte to helper_fd
 * 100 ms later: a restarted call then completes. */
static void *signal_then_write(void *arg)
{
    usleep(100000);
    pthread_kill(main_thread, SIGUSR1);
    usleep(100000);
    if (helper_fd >= 0) {
        ssize_t unused = write(helper_fd, "x", 1);
        (void)unused;
    }
    return NULL;
}

static void with_helper(int fd, void (*call)(void), const char *what)
{
    pthread_t t;
    helper_fd = fd;
    handled = 0;
    pthread_create(&t, NULL, signal_then_write, NULL);
    call();
    pthread_join(t, NULL);
    (void)what;
}

static int pipe_fds[2], sock_fds[2];
static void read_pipe(void)
{
    char c = 0;
    ssize_t n = read(pipe_fds[0], &c, 1);
    say("  read: %s n=%zd byte=%c handled=%d", result(n), n, n > 0 ? c : '-', handled);
}
static void read_socket(void)
{
    char c = 0;
    ssize_t n = recv(sock_fds[0], &c, 1, 0);
    say("  recv: %s n=%zd byte=%c handled=%d", result(n), n, n > 0 ? c : '-', handled);
}

int main(void)
{
    clean_start();
    main_thread = pthread_self();
    pipe(pipe_fds);

    say("pipe read, no SA_RESTART:");
    install(SIGUSR1, on_signal, 0);
    with_helper(-1, read_pipe, "");
    say("pipe read, SA_RESTART:");
    install(SIGUSR1, on_signal, SA_RESTART);
    with_helper(pipe_fds[1], read_pipe, "");

    /* A write that blocks on a full pipe returns what it wrote (with
     * SA_RESTART it would wait on). */
    install(SIGALRM, on_signal, 0);
    fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
    static char buf[70000];
    ssize_t filled = 0, n;
    while ((n = write(pipe_fds[1], buf, 4096)) > 0)
        filled += n;
    fcntl(pipe_fds[1], F_SETFL, 0);
    handled = 0;
    alarm_in(100);
    n = write(pipe_fds[1], buf, 1);
    say("write to a full pipe (%zd bytes in it): %s handled=%d", filled, result(n), handled);
    char drain[4096];
    for (int i = 0; i < 4; ++i)
        read(pipe_fds[0], drain, sizeof drain); /* room for 16 KiB */
    handled = 0;
    alarm_in(100);
    n = write(pipe_fds[1], buf, 20000);
    say("write of 20000 into 16 KiB of room: n=%zd handled=%d", n, handled);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    pipe(pipe_fds);

    /* Sleeps: EINTR even with SA_RESTART, the rest of the time reported. */
    install(SIGALRM, on_signal, SA_RESTART);
    struct timespec want = { 2, 0 }, left = { 0, 0 };
    handled = 0;
    alarm_in(200);
    int r = nanosleep(&want, &left);
    long left_ms = left.tv_sec * 1000 + left.tv_nsec / 1000000;
    say("nanosleep 2 s: %s handled=%d left between 1 and 1.9 s=%d", result(r), handled, left_ms > 1000 && left_ms < 1900);
    handled = 0;
    alarm_in(200);
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &want, &left);
    left_ms = left.tv_sec * 1000 + left.tv_nsec / 1000000;
    say("clock_nanosleep 2 s: %s handled=%d left between 1 and 1.9 s=%d", r == EINTR ? "EINTR" : "other", handled,
        left_ms > 1000 && left_ms < 1900);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_sec += 2;
    handled = 0;
    alarm_in(200);
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
    say("clock_nanosleep absolute: %s handled=%d", r == EINTR ? "EINTR" : "other", handled);

    struct pollfd p = { pipe_fds[0], POLLIN, 0 };
    handled = 0;
    alarm_in(100);
    r = poll(&p, 1, -1);
    say("poll, SA_RESTART: %s handled=%d", result(r), handled);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(pipe_fds[0], &set);
    handled = 0;
    alarm_in(100);
    r = select(pipe_fds[0] + 1, &set, NULL, NULL, NULL);
    say("select, SA_RESTART: %s handled=%d", result(r), handled);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = pipe_fds[0] };
    epoll_ctl(ep, EPOLL_CTL_ADD, pipe_fds[0], &ev);
    handled = 0;
    alarm_in(100);
    r = epoll_wait(ep, &ev, 1, -1);
    say("epoll_wait, SA_RESTART: %s handled=%d", result(r), handled);
    /* ppoll with SIGALRM blocked outside and let through inside. */
    sigset_t alrm, empty;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    handled = 0;
    alarm_in(100);
    struct timespec five = { 5, 0 };
    r = ppoll(&p, 1, &five, &empty);
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    say("ppoll with a mask: %s handled=%d ALRM blocked again=%d", result(r), handled, sigismember(&after, SIGALRM));
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    handled = 0;
    alarm_in(100);
    r = pause();
    say("pause: %s handled=%d", result(r), handled);

    sem_t sem;
    sem_init(&sem, 0, 0);
    install(SIGALRM, on_signal, 0);
    handled = 0;
    alarm_in(100);
    r = sem_wait(&sem);
    say("sem_wait: %s handled=%d", result(r), handled);

    /* waitpid: EINTR without SA_RESTART, restarted with it; the ending
     * child's own SIGCHLD does not make it fail. */
    pid_t child = fork();
    if (child == 0) {
        usleep(400000);
        _exit(7);
    }
    int status = 0;
    handled = 0;
    alarm_in(100);
    r = waitpid(child, &status, 0);
    say("waitpid, no SA_RESTART: %s handled=%d", result(r), handled);
    install(SIGALRM, on_signal, SA_RESTART);
    handled = 0;
    alarm_in(100);
    r = waitpid(child, &status, 0);
    say("waitpid, SA_RESTART: %s child=%d exit=%d handled=%d", r == child ? "ok" : result(r), r == child,
        WIFEXITED(status) ? WEXITSTATUS(status) : -1, handled);
    install(SIGCHLD, on_signal, 0);
    child = fork();
    if (child == 0) {
        usleep(100000);
        _exit(8);
    }
    handled = 0;
    r = waitpid(child, &status, 0);
    say("waitpid with a SIGCHLD handler: %s child=%d exit=%d", r == child ? "ok" : result(r), r == child,
        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    signal(SIGCHLD, SIG_DFL);

    /* Sockets. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sock_fds);
    say("recv, no SA_RESTART:");
    install(SIGUSR1, on_signal, 0);
    with_helper(-1, read_socket, "");
    say("recv, SA_RESTART:");
    install(SIGUSR1, on_signal, SA_RESTART);
    with_helper(sock_fds[1], read_socket, "");
    struct timeval five_s = { 5, 0 };
    setsockopt(sock_fds[0], SOL_SOCKET, SO_RCVTIMEO, &five_s, sizeof five_s);
    say("recv with SO_RCVTIMEO, SA_RESTART:");
    with_helper(-1, read_socket, "");
    say("eintr: done");
    return 0;
}
