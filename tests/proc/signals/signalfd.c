/* signalfd: blocked signals read as data (their siginfo), seen by poll and
 * epoll; a blocking read waits for one; the mask can change. */
#include "common.h"
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/time.h>

int main(void)
{
    clean_start();
    int rt = SIGRTMIN;
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, rt);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK);
    say("signalfd: %s", result(fd));
    struct signalfd_siginfo si[4];
    say("empty read: %s", result(read(fd, si, sizeof si)));
    say("short read: %s", result(read(fd, si, 64)));
    struct pollfd p = { fd, POLLIN, 0 };
    say("poll, nothing: %d", poll(&p, 1, 0));

    raise(SIGUSR1);
    union sigval v = { .sival_int = 77 };
    sigqueue(getpid(), rt, v);
    sigqueue(getpid(), rt, v);
    int ready = poll(&p, 1, 0);
    say("poll: %d revents=%#x", ready, p.revents);
    ssize_t n = read(fd, si, sizeof si);
    say("read: %zd bytes", n);
    for (ssize_t i = 0; i < n / (ssize_t)sizeof si[0]; ++i)
        say("  signo=%s code=%d pid=%d int=%d", si[i].ssi_signo == SIGUSR1 ? "USR1" : si[i].ssi_signo == (unsigned)rt ? "rt" : "?",
            si[i].ssi_code, si[i].ssi_pid == (uint32_t)getpid(), si[i].ssi_int);
    sigset_t pending;
    sigpending(&pending);
    say("pending after: USR1=%d rt=%d", sigismember(&pending, SIGUSR1), sigismember(&pending, rt));

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 5 };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    raise(SIGUSR1);
    say("epoll_wait: %d data=%u", epoll_wait(ep, &ev, 1, 1000), ev.data.u32);
    read(fd, si, sizeof si);

    /* A blocking read waits for SIGALRM once the mask has it. */
    sigaddset(&mask, SIGALRM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    say("signalfd4 update: %s", result(signalfd(fd, &mask, 0)));
    int blocking = signalfd(-1, &mask, 0);
    struct itimerval t = { { 0, 0 }, { 0, 100000 } };
    setitimer(ITIMER_REAL, &t, NULL);
    n = read(blocking, si, sizeof si);
    say("blocking read: %zd bytes signo=%d code=%d", n, si[0].ssi_signo, si[0].ssi_code);
    say("bad flags: %s", result(signalfd(-1, &mask, 0x1234)));
    say("not a signalfd: %s", result(signalfd(0, &mask, 0)));
    say("signalfd: done");
    return 0;
}
