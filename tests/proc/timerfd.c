/* timerfd: one-shot and periodic timers as files — read's expiration
 * count, EAGAIN with TFD_NONBLOCK, poll and epoll readiness, gettime,
 * absolute deadlines on CLOCK_MONOTONIC and CLOCK_REALTIME, fork sharing
 * the timer, and the errors. Only relations of times are printed. */
#include "proctest.h"
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

static struct itimerspec ms(long value_ms, long interval_ms)
{
    struct itimerspec t = { { interval_ms / 1000, (interval_ms % 1000) * 1000000 },
                            { value_ms / 1000, (value_ms % 1000) * 1000000 } };
    return t;
}

int main(int argc, char** argv)
{
    pt_start("timerfd", argc, argv);
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    expect_yes("timerfd_create", fd >= 0);
    expect_long("TFD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    expect_yes("TFD_NONBLOCK", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    uint64_t n = 0;
    expect_outcome("read, disarmed", read(fd, &n, sizeof n), "EAGAIN");
    struct itimerspec cur;
    expect_outcome("gettime, disarmed", timerfd_gettime(fd, &cur), "ok");
    expect_yes("disarmed: zero", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    struct itimerspec t = ms(50, 0);
    expect_outcome("settime 50 ms", timerfd_settime(fd, 0, &t, NULL), "ok");
    expect_outcome("gettime", timerfd_gettime(fd, &cur), "ok");
    expect_yes("remaining within 50 ms", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 50000000);
    expect_outcome("read early", read(fd, &n, sizeof n), "EAGAIN");
    struct pollfd p = { fd, POLLIN, 0 };
    expect_long("poll waits for it", poll(&p, 1, 2000), 1);
    expect_yes("POLLIN", (p.revents & POLLIN) != 0);
    expect_long("read", read(fd, &n, sizeof n), 8);
    expect_long("expirations", (long)n, 1);
    expect_outcome("read again", read(fd, &n, sizeof n), "EAGAIN");
    expect_outcome("read 4 bytes", read(fd, &n, 4), "EINVAL");

    t = ms(10, 10);
    expect_outcome("settime periodic 10 ms", timerfd_settime(fd, 0, &t, NULL), "ok");
    sleep_ms(100);
    expect_long("read", read(fd, &n, sizeof n), 8);
    expect_yes("several expirations", n >= 5);
    expect_outcome("gettime", timerfd_gettime(fd, &cur), "ok");
    expect_yes("interval 10 ms", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 10000000);
    struct itimerspec old;
    t = ms(0, 0);
    expect_outcome("disarm, old value", timerfd_settime(fd, 0, &t, &old), "ok");
    expect_yes("old interval 10 ms", old.it_interval.tv_nsec == 10000000);
    expect_outcome("read after disarm", read(fd, &n, sizeof n), "EAGAIN");

    /* Blocking, absolute, on CLOCK_REALTIME; epoll sees it. */
    int rt = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    t = ms(0, 0);
    t.it_value = now;
    t.it_value.tv_nsec += 30000000;
    if (t.it_value.tv_nsec >= 1000000000) {
        t.it_value.tv_sec++;
        t.it_value.tv_nsec -= 1000000000;
    }
    expect_outcome("settime absolute realtime", timerfd_settime(rt, TFD_TIMER_ABSTIME, &t, NULL), "ok");
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = rt };
    must(epoll_ctl(ep, EPOLL_CTL_ADD, rt, &ev) == 0, "epoll_ctl");
    struct epoll_event got;
    expect_long("epoll_wait", epoll_wait(ep, &got, 1, 2000), 1);
    expect_long("blocking read", read(rt, &n, sizeof n), 8);
    expect_long("expirations", (long)n, 1);
    t.it_value.tv_sec -= 100;
    expect_outcome("absolute in the past", timerfd_settime(rt, TFD_TIMER_ABSTIME, &t, NULL), "ok");
    expect_long("expires at once", read(rt, &n, sizeof n), 8);

    /* Absolute on CLOCK_MONOTONIC, read by a child (the timer is shared). */
    clock_gettime(CLOCK_MONOTONIC, &now);
    t = ms(0, 0);
    t.it_value = now;
    t.it_value.tv_sec += 0;
    t.it_value.tv_nsec += 20000000;
    if (t.it_value.tv_nsec >= 1000000000) {
        t.it_value.tv_sec++;
        t.it_value.tv_nsec -= 1000000000;
    }
    expect_outcome("settime absolute monotonic", timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL), "ok");
    pid_t pid = pt_fork();
    if (pid == 0) {
        struct pollfd cp = { fd, POLLIN, 0 };
        uint64_t c = 0;
        _exit(poll(&cp, 1, 2000) == 1 && read(fd, &c, sizeof c) == 8 && c == 1 ? 0 : 1);
    }
    expect_str("the child read it", status_text(pt_wait(pid)), "exited 0");
    expect_outcome("parent: already read", read(fd, &n, sizeof n), "EAGAIN");

    /* Errors. */
    expect_outcome("create: bad clock", timerfd_create(42, 0), "EINVAL");
    expect_outcome("create: CLOCK_PROCESS_CPUTIME_ID", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), "EINVAL");
    expect_outcome("create: bad flags", timerfd_create(CLOCK_MONOTONIC, 1), "EINVAL");
    t = ms(10, 0);
    expect_outcome("settime: bad flags", timerfd_settime(fd, 4, &t, NULL), "EINVAL");
    t.it_value.tv_nsec = 1000000000;
    expect_outcome("settime: bad nsec", timerfd_settime(fd, 0, &t, NULL), "EINVAL");
    t = ms(10, 0);
    expect_outcome("settime: bad fd", timerfd_settime(999, 0, &t, NULL), "EBADF");
    expect_outcome("settime: not a timerfd", timerfd_settime(ep, 0, &t, NULL), "EINVAL");
    expect_outcome("settime: bad pointer", timerfd_settime(fd, 0, (void*)8, NULL), "EFAULT");
    expect_outcome("gettime: bad pointer", timerfd_gettime(fd, (void*)8), "EFAULT");
    expect_outcome("gettime: not a timerfd", timerfd_gettime(ep, &cur), "EINVAL");
    close(ep);
    close(rt);
    close(fd);
    return pt_finish();
}
