/* sigio: O_ASYNC (signal-driven I/O).
 *   - a socket with O_ASYNC (F_SETFL) and an owner (F_SETOWN) sends its
 *     owner SIGIO when data arrives; so does a pipe set up by ioctl
 *     FIOASYNC (nginx's master does this to its workers' channels);
 *   - F_SETSIG picks another signal, which carries si_code POLL_IN, si_fd
 *     and si_band; F_SETOWN to another process signals that process;
 *     F_SETOWN_EX with a process group reads back as -pgrp from F_GETOWN;
 *   - a regular file has no async mode: FIOASYNC is ENOTTY, and F_SETFL
 *     leaves O_ASYNC clear. */
#include "proctest.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static volatile sig_atomic_t sigios, rt_code, rt_fd, rt_band_in;

static void on_sigio(int sig) { (void)sig; sigios++; }
static void on_rt(int sig, siginfo_t* si, void* ctx)
{
    (void)sig, (void)ctx;
    rt_code = si->si_code;
    rt_fd = si->si_fd;
    rt_band_in = (si->si_band & POLLIN) != 0;
}

int main(int argc, char** argv)
{
    pt_start("sigio", argc, argv);
    signal(SIGIO, on_sigio);

    int sv[2];
    must(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    expect_outcome("F_SETOWN(getpid())", fcntl(sv[0], F_SETOWN, getpid()), "ok");
    expect_yes("F_GETOWN reads it back", fcntl(sv[0], F_GETOWN) == getpid());
    expect_outcome("F_SETFL O_ASYNC on a socket", fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK), "ok");
    expect_yes("F_GETFL shows O_ASYNC", (fcntl(sv[0], F_GETFL) & O_ASYNC) != 0);
    must(write(sv[1], "x", 1) == 1, "write");
    expect_yes("data arriving sends SIGIO", sigios > 0);
    char c;
    must(read(sv[0], &c, 1) == 1, "read");

    /* A pipe, through FIOASYNC. */
    int p[2];
    must(pipe(p) == 0, "pipe");
    int on = 1;
    expect_outcome("ioctl FIOASYNC on a pipe", ioctl(p[0], FIOASYNC, &on), "ok");
    expect_outcome("F_SETOWN on the pipe", fcntl(p[0], F_SETOWN, getpid()), "ok");
    sigios = 0;
    must(write(p[1], "y", 1) == 1, "write");
    expect_yes("the pipe's reader gets SIGIO", sigios > 0);
    int off = 0;
    expect_outcome("ioctl FIOASYNC off", ioctl(p[0], FIOASYNC, &off), "ok");
    expect_yes("F_GETFL no longer shows O_ASYNC", (fcntl(p[0], F_GETFL) & O_ASYNC) == 0);
    sigios = 0;
    must(write(p[1], "z", 1) == 1, "write");
    expect_yes("then no SIGIO", sigios == 0);

    /* F_SETSIG: a real-time signal with details. */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    expect_outcome("F_SETSIG SIGRTMIN", fcntl(sv[0], F_SETSIG, SIGRTMIN), "ok");
    expect_yes("F_GETSIG reads it back", fcntl(sv[0], F_GETSIG) == SIGRTMIN);
    must(write(sv[1], "x", 1) == 1, "write");
    expect_yes("si_code is POLL_IN", rt_code == POLL_IN);
    expect_yes("si_fd is the descriptor", rt_fd == sv[0]);
    expect_yes("si_band has POLLIN", rt_band_in != 0);
    must(read(sv[0], &c, 1) == 1, "read");
    expect_outcome("F_SETSIG 65", fcntl(sv[0], F_SETSIG, 65), "EINVAL");
    fcntl(sv[0], F_SETSIG, 0);

    /* Another process as the owner. */
    sigset_t io;
    sigemptyset(&io);
    sigaddset(&io, SIGIO);
    sigprocmask(SIG_BLOCK, &io, NULL); /* the child inherits the block */
    int ready[2];
    must(pipe(ready) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        struct timespec wait = { 20, 0 };
        char go;
        if (read(ready[0], &go, 1) != 1)
            _exit(2);
        _exit(sigtimedwait(&io, NULL, &wait) == SIGIO ? 0 : 1);
    }
    expect_outcome("F_SETOWN(child)", fcntl(sv[0], F_SETOWN, pid), "ok");
    must(write(ready[1], "g", 1) == 1, "write");
    must(write(sv[1], "x", 1) == 1, "write");
    expect_str("the child gets the SIGIO", status_text(pt_wait(pid)), "exited 0");
    sigprocmask(SIG_UNBLOCK, &io, NULL);

    struct f_owner_ex group = { F_OWNER_PGRP, getpgrp() }, back;
    expect_outcome("F_SETOWN_EX to the process group", fcntl(sv[0], F_SETOWN_EX, &group), "ok");
    expect_yes("F_GETOWN reads -pgrp", fcntl(sv[0], F_GETOWN) == -getpgrp());
    expect_outcome("F_GETOWN_EX", fcntl(sv[0], F_GETOWN_EX, &back), "ok");
    expect_yes("it reads F_OWNER_PGRP and the group", back.type == F_OWNER_PGRP && back.pid == getpgrp());
    fcntl(sv[0], F_SETOWN, 0);

    /* A regular file has no async mode. */
    const char* path = scratch_path("sigio.file");
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    must(fd >= 0, "open");
    expect_outcome("ioctl FIOASYNC on a regular file", ioctl(fd, FIOASYNC, &on), "ENOTTY");
    expect_outcome("F_SETFL O_ASYNC on a regular file", fcntl(fd, F_SETFL, O_ASYNC), "ok");
    expect_yes("leaves O_ASYNC clear", (fcntl(fd, F_GETFL) & O_ASYNC) == 0);
    close(fd);
    static const char* const files[] = { "sigio.file", NULL };
    scratch_cleanup(files);
    return pt_finish();
}
