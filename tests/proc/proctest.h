/* proctest.h: what the differential process tests share. Each test is one
 * static program (musl and glibc) run on the host and under `husk run`; the
 * runner compares their outputs line by line, so a test prints only what
 * is the same on every correct kernel: relations ("child pid != parent
 * pid: yes"), exit statuses, errno and signal NAMES (strerror's texts
 * differ between libcs), never pids, addresses or times.
 *
 * Conventions:
 *   - argv[1] is the directory of the test programs (the host passes the
 *     real one, the guest /data/bin); helpers (echoargs, fdreport,
 *     procinfo) are exec'd from there.
 *   - Only the test's first process prints, and only while no child
 *     prints; children report through exit statuses (or pipes).
 *   - stdout is line buffered and every line ends in '\n', so nothing is
 *     ever left in a buffer a fork would copy.
 *   - expect_*() print "what: got" and, when got is not what Linux gives,
 *     " (expected WANT)" and count a failure; the last line is
 *     "NAME: ok" or "NAME: N failures", the exit status 0 or 1. */
#ifndef PROCTEST_H
#define PROCTEST_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Each program uses a part of what follows. */
#pragma GCC diagnostic ignored "-Wunused-function"

static const char* pt_name;
static const char* pt_bin; /* the directory of the test programs */
static char pt_scratch[256]; /* a temporary directory, made on demand */
static int pt_failures;

static const char* errno_name(int e)
{
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ETXTBSY: return "ETXTBSY";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ELOOP: return "ELOOP";
    case ENOTSUP: return "ENOTSUP";
    case ENOTTY: return "ENOTTY";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno %d", e);
        return buf;
    }
    }
}

static const char* signal_name(int sig)
{
    static const char* const names[] = {
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };
    if (sig >= 0 && sig < (int)(sizeof names / sizeof names[0]))
        return names[sig];
    static char buf[32];
    snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
}

/* A wait status as text: "exited 3", "killed by SIGKILL", "stopped by
 * SIGSTOP", "continued". The core-dump bit is left out: whether Linux
 * dumps depends on the host's settings. */
static const char* status_text(int status)
{
    static char buf[64];
    if (WIFEXITED(status))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof buf, "killed by %s", signal_name(WTERMSIG(status)));
    else if (WIFSTOPPED(status))
        snprintf(buf, sizeof buf, "stopped by %s", signal_name(WSTOPSIG(status)));
    else if (WIFCONTINUED(status))
        snprintf(buf, sizeof buf, "continued");
    else
        snprintf(buf, sizeof buf, "status 0x%x", status);
    return buf;
}

static void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void expect_str(const char* what, const char* got, const char* want)
{
    if (strcmp(got, want) == 0) {
        say("%s: %s", what, got);
    } else {
        say("%s: %s (expected %s)", what, got, want);
        pt_failures++;
    }
}

static void expect_long(const char* what, long got, long want)
{
    char g[32], w[32];
    snprintf(g, sizeof g, "%ld", got);
    snprintf(w, sizeof w, "%ld", want);
    expect_str(what, g, w);
}

static void expect_yes(const char* what, bool got) { expect_str(what, got ? "yes" : "no", "yes"); }

/* The outcome of a call that returns -1 and sets errno: "ok" or the errno. */
static const char* outcome(long r) { return r == -1 ? errno_name(errno) : "ok"; }
static void expect_outcome(const char* what, long r, const char* want) { expect_str(what, outcome(r), want); }

/* A setup step that must work for the test to mean anything. */
static void must(bool ok, const char* what)
{
    if (!ok) {
        say("%s: setup failed: %s: %s", pt_name, what, errno_name(errno));
        exit(2);
    }
}

static void pt_start(const char* name, int argc, char** argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pt_name = name;
    pt_bin = argc > 1 ? argv[1] : "/data/bin";
    /* On the host the runner may leak descriptors; a guest program has only
     * 0, 1 and 2. Start from the same place. */
    for (int fd = 3; fd < 256; fd++)
        close(fd);
}

static int pt_finish(void)
{
    if (pt_failures)
        say("%s: %d failures", pt_name, pt_failures);
    else
        say("%s: ok", pt_name);
    return pt_failures ? 1 : 0;
}

/* fork, after flushing stdio so that the child has nothing to repeat. */
static pid_t pt_fork(void)
{
    fflush(NULL);
    pid_t pid = fork();
    must(pid >= 0, "fork");
    return pid;
}

/* waitpid for one child, retried on EINTR; returns its status. */
static int pt_wait(pid_t pid)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR) { }
    must(r == pid, "waitpid");
    return status;
}

/* A path under the programs' directory. */
static const char* bin_path(const char* name)
{
    static char bufs[4][512];
    static int next;
    char* buf = bufs[next++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", pt_bin, name);
    return buf;
}

/* A path in the test's scratch directory (made under $TMPDIR or /tmp on
 * first use, removed by scratch_cleanup()). */
static const char* scratch_path(const char* name)
{
    if (!pt_scratch[0]) {
        const char* tmp = getenv("TMPDIR");
        snprintf(pt_scratch, sizeof pt_scratch, "%s/proctest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        must(mkdtemp(pt_scratch) != NULL, "mkdtemp");
    }
    static char bufs[4][512];
    static int next;
    char* buf = bufs[next++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", pt_scratch, name);
    return buf;
}

static void write_file(const char* path, const char* text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    must(fd >= 0, path);
    size_t n = strlen(text);
    must(write(fd, text, n) == (ssize_t)n, "write");
    must(fchmod(fd, mode) == 0, "fchmod");
    must(close(fd) == 0, "close");
}

static void scratch_cleanup(const char* const* names)
{
    if (!pt_scratch[0])
        return;
    for (; *names; names++)
        unlink(scratch_path(*names));
    rmdir(pt_scratch);
}

/* A child that must not dump core whatever the host's settings. */
static void no_core(void)
{
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
}

/* Reads exactly n bytes (or to EOF); returns how many. */
static size_t read_full(int fd, void* buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char*)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static bool write_full(int fd, const void* buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, (const char*)buf + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        done += (size_t)r;
    }
    return true;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) == -1 && errno == EINTR) { }
}

#endif
