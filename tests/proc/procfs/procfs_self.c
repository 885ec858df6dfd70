// What a program sees of itself in /proc: stat, status, cmdline, comm,
// exe, cwd, root, fd/, the /proc listing, a child's directory while it
// sleeps, as a zombie and after it is reaped, and execve("/proc/self/exe").
// Every line starting "procfs: " is normalized (no pids, no temporary
// paths, no inode numbers): run-procfs-test compares them with what the
// same program prints on Linux.
// Usage: procfs_self [ARGS...]        (the child mode: --child ARGS...)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmp[PATH_MAX - 64]; // the temporary directory, shown as $TMP

static void say(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("procfs: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

// The whole file into buf (NUL-terminated); its length, or -errno.
/* Reads path 7 bytes at a time (small reads: offsets must hold), with
 * spin_ns of CPU time spent before each read: spent, the process's times
 * in its stat line change between reads; a description reading in order
 * keeps the text of its first read, as Linux's seq_file does, so the
 * pieces still make one text. */
static long slurp_spinning(const char* path, char* buf, size_t size, long spin_ns)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    size_t n = 0;
    for (;;) {
        struct timespec t0, t;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        do
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < spin_ns);
        ssize_t r = read(fd, buf + n, size - 1 - n > 7 ? 7 : size - 1 - n);
        if (r < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    return (long)n;
}

static long slurp(const char* path, char* buf, size_t size) { return slurp_spinning(path, buf, size, 0); }

static const char* base(const char* path)
{
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

// A link target without what differs between runs.
static void normalize(const char* in, char* out, size_t size)
{
    size_t tl = strlen(tmp);
    if (tl && strncmp(in, tmp, tl) == 0)
        snprintf(out, size, "$TMP%s", in + tl);
    else if (strncmp(in, "pipe:[", 6) == 0)
        snprintf(out, size, "pipe:[N]");
    else if (strncmp(in, "socket:[", 8) == 0)
        snprintf(out, size, "socket:[N]");
    else
        snprintf(out, size, "%s", in);
}

static const char* link_text(const char* path)
{
    static char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) {
        snprintf(buf, sizeof buf, "error %s", strerrorname_np(errno));
        return buf;
    }
    buf[n] = 0;
    return buf;
}

// Field n (1-based, as proc(5) counts) of a stat line, as text.
static const char* stat_field(const char* stat, int n, char* out, size_t size)
{
    if (n == 1 || n == 2) {
        const char* open = strchr(stat, '(');
        const char* close = strrchr(stat, ')');
        if (n == 1)
            snprintf(out, size, "%.*s", (int)(open - stat - 1), stat);
        else
            snprintf(out, size, "%.*s", (int)(close - open + 1), open);
        return out;
    }
    const char* p = strrchr(stat, ')') + 2;
    for (int i = 3; i < n && p; ++i) {
        p = strchr(p, ' ');
        if (p)
            ++p;
    }
    if (!p)
        return "missing";
    size_t len = strcspn(p, " \n");
    snprintf(out, size, "%.*s", (int)len, p);
    return out;
}

static int stat_fields(const char* stat)
{
    int n = 2;
    for (const char* p = strrchr(stat, ')') + 1; *p && *p != '\n'; ++p)
        if (*p == ' ')
            ++n;
    return n;
}

// The value of "Key:" in a status text.
static const char* status_value(const char* status, const char* key, char* out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\n%s:\t", key);
    const char* p = strstr(status, pattern);
    if (strncmp(status, pattern + 1, strlen(pattern + 1)) == 0)
        p = status + strlen(pattern + 1);
    else if (p)
        p += strlen(pattern);
    else
        return "missing";
    snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
    return out;
}

static void show_cmdline(const char* who, const char* path)
{
    char buf[4096];
    long n = slurp(path, buf, sizeof buf);
    if (n < 0) {
        say("%s cmdline: error %s", who, strerrorname_np((int)-n));
        return;
    }
    char shown[8192] = "";
    size_t at = 0;
    for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
        at += (size_t)snprintf(shown + at, sizeof shown - at, "[%s]", i == 0 ? base(buf) : buf + i);
    // argv[0] is the path the program was started by, which differs.
    long rest = n - (long)strlen(buf) - 1;
    say("%s cmdline: %s (%ld bytes after argv[0], ends with NUL: %s)", who, shown, rest, n && buf[n - 1] == 0 ? "yes" : "no");
}

static void child_mode(int argc, char** argv)
{
    show_cmdline("exec'd child", "/proc/self/cmdline");
    char comm[64];
    slurp("/proc/self/comm", comm, sizeof comm);
    comm[strcspn(comm, "\n")] = 0;
    say("exec'd child comm: %s", comm);
    say("exec'd child exe: %s", base(link_text("/proc/self/exe")));
    say("exec'd child argc: %d", argc);
    (void)argv;
}

static void self_link(void)
{
    struct stat st;
    char want[32];
    snprintf(want, sizeof want, "%d", getpid());
    say("/proc/self is a symlink: %s", lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode) ? "yes" : "no");
    say("/proc/self names the own pid: %s", strcmp(link_text("/proc/self"), want) == 0 ? "yes" : "no");
    struct stat a, b;
    char own[64];
    snprintf(own, sizeof own, "/proc/%d", getpid());
    say("/proc/self is /proc/PID: %s",
        stat("/proc/self", &a) == 0 && stat(own, &b) == 0 && a.st_ino == b.st_ino ? "yes" : "no");
}

static void stat_file(void)
{
    char stat[4096], f[64];
    long n = slurp("/proc/self/stat", stat, sizeof stat);
    if (n < 0) {
        say("stat: error %s", strerrorname_np((int)-n));
        return;
    }
    say("stat fields: %d, ends with newline: %s", stat_fields(stat), stat[n - 1] == '\n' ? "yes" : "no");
    char slow[4096];
    n = slurp_spinning("/proc/self/stat", slow, sizeof slow, 30000000L);
    say("stat read slowly in pieces: fields %d, one line: %s", n > 0 ? stat_fields(slow) : -1,
        n > 0 && strchr(slow, '\n') == slow + n - 1 ? "yes" : "no");
    say("stat pid is getpid: %s", atoi(stat_field(stat, 1, f, sizeof f)) == getpid() ? "yes" : "no");
    say("stat comm: %s", stat_field(stat, 2, f, sizeof f));
    say("stat state: %s", stat_field(stat, 3, f, sizeof f));
    say("stat ppid is getppid: %s", atoi(stat_field(stat, 4, f, sizeof f)) == getppid() ? "yes" : "no");
    say("stat pgrp is getpgrp: %s", atoi(stat_field(stat, 5, f, sizeof f)) == getpgrp() ? "yes" : "no");
    say("stat session is getsid: %s", atoi(stat_field(stat, 6, f, sizeof f)) == getsid(0) ? "yes" : "no");
    say("stat num_threads: %s", stat_field(stat, 20, f, sizeof f));
    say("stat vsize > 0: %s", atoll(stat_field(stat, 23, f, sizeof f)) > 0 ? "yes" : "no");
    say("stat rss > 0: %s", atoll(stat_field(stat, 24, f, sizeof f)) > 0 ? "yes" : "no");
    say("stat blocked: %s", stat_field(stat, 32, f, sizeof f));
    say("stat sigignore: %s", stat_field(stat, 33, f, sizeof f));
    say("stat sigcatch: %s", stat_field(stat, 34, f, sizeof f));
    say("stat exit_code: %s", stat_field(stat, 52, f, sizeof f));
}

static void status_file(void)
{
    char status[8192], v[256];
    long n = slurp("/proc/self/status", status, sizeof status);
    if (n < 0) {
        say("status: error %s", strerrorname_np((int)-n));
        return;
    }
    const char* same[] = { "Name", "Umask", "State", "TracerPid", "Threads", "SigPnd", "ShdPnd", "SigBlk", "SigIgn",
                           "SigCgt" };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; ++i)
        say("status %s: %s", same[i], status_value(status, same[i], v, sizeof v));
    say("status Tgid is getpid: %s", atoi(status_value(status, "Tgid", v, sizeof v)) == getpid() ? "yes" : "no");
    say("status Pid is getpid: %s", atoi(status_value(status, "Pid", v, sizeof v)) == getpid() ? "yes" : "no");
    say("status PPid is getppid: %s", atoi(status_value(status, "PPid", v, sizeof v)) == getppid() ? "yes" : "no");
    char ids[128];
    snprintf(ids, sizeof ids, "%u\t%u\t%u\t%u", getuid(), geteuid(), geteuid(), geteuid());
    say("status Uid is real, effective, saved, fs: %s", strcmp(status_value(status, "Uid", v, sizeof v), ids) == 0 ? "yes" : "no");
    snprintf(ids, sizeof ids, "%u\t%u\t%u\t%u", getgid(), getegid(), getegid(), getegid());
    say("status Gid is real, effective, saved, fs: %s", strcmp(status_value(status, "Gid", v, sizeof v), ids) == 0 ? "yes" : "no");
    say("status VmRSS in kB: %s", strstr(status_value(status, "VmRSS", v, sizeof v), " kB") ? "yes" : "no");
    say("status FDSize, Groups present: %s",
        strcmp(status_value(status, "FDSize", v, sizeof v), "missing") && strcmp(status_value(status, "Groups", v, sizeof v), "missing") ? "yes" : "no");
}

static void exe_link(void)
{
    const char* target = link_text("/proc/self/exe");
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", target);
    say("exe: absolute %s, names %s", copy[0] == '/' ? "yes" : "no", base(copy));
    struct stat a, b;
    say("exe opens as its target: %s",
        stat("/proc/self/exe", &a) == 0 && stat(copy, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev ? "yes" : "no");
    char comm[64];
    slurp("/proc/self/comm", comm, sizeof comm);
    say("comm: %.*s", (int)strcspn(comm, "\n"), comm);
}

static void fd_links(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/data", tmp);
    int file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (write(file, "hello", 5) != 5)
        say("write: %s", strerror(errno));
    int pipes[2], pair[2];
    if (pipe(pipes) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        say("pipe or socketpair: %s", strerror(errno));
    // One at a time: the order of an initializer's calls is unspecified.
    int fds[8];
    fds[0] = file;
    fds[1] = open(tmp, O_RDONLY | O_DIRECTORY);
    fds[2] = pipes[0];
    fds[3] = pipes[1];
    fds[4] = pair[0];
    fds[5] = eventfd(0, 0);
    fds[6] = epoll_create1(0);
    fds[7] = open("/dev/null", O_WRONLY);
    for (int i = 0; i < 8; ++i) {
        if (dup2(fds[i], 20 + i) < 0)
            say("dup2 %d: %s", i, strerror(errno));
        close(fds[i]);
    }
    close(pair[1]);

    DIR* dir = opendir("/proc/self/fd");
    int seen[64] = { 0 };
    for (struct dirent* e; dir && (e = readdir(dir));) {
        int n = atoi(e->d_name);
        if (n >= 20 && n < 64)
            seen[n] = e->d_type == DT_LNK ? 1 : 2;
    }
    if (dir)
        closedir(dir);
    for (int n = 20; n < 64; ++n) {
        if (!seen[n])
            continue;
        char link[64], shown[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", n);
        normalize(link_text(link), shown, sizeof shown);
        struct stat st;
        lstat(link, &st);
        say("fd %d: %s -> %s (mode %03o, size %lld)", n, seen[n] == 1 ? "DT_LNK" : "not DT_LNK", shown,
            st.st_mode & 0777, (long long)st.st_size);
    }
    char buf[16] = "";
    long n = slurp("/proc/self/fd/20", buf, sizeof buf);
    say("open /proc/self/fd/20 reads: %s", n < 0 ? strerrorname_np((int)-n) : buf);
    unlink(path);
    char shown[PATH_MAX];
    normalize(link_text("/proc/self/fd/20"), shown, sizeof shown);
    say("fd 20 after unlink: %s", shown);
    for (int fd = 20; fd < 28; ++fd)
        close(fd);
    normalize(link_text("/proc/self/fd/20"), shown, sizeof shown);
    say("fd 20 after close: %s", shown);
}

static void cwd_root(void)
{
    char shown[PATH_MAX];
    if (chdir(tmp) != 0)
        say("chdir: %s", strerror(errno));
    normalize(link_text("/proc/self/cwd"), shown, sizeof shown);
    say("cwd: %s", shown);
    say("root: %s", link_text("/proc/self/root"));
    if (chdir("/") != 0)
        say("chdir /: %s", strerror(errno));
}

static void listing(void)
{
    DIR* dir = opendir("/proc");
    char own[32];
    snprintf(own, sizeof own, "%d", getpid());
    int pid_type = -1, self_type = -1, others = 0;
    for (struct dirent* e; dir && (e = readdir(dir));) {
        if (strcmp(e->d_name, own) == 0)
            pid_type = e->d_type;
        else if (strcmp(e->d_name, "self") == 0)
            self_type = e->d_type;
        else if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
            ++others;
    }
    if (dir)
        closedir(dir);
    say("/proc lists own pid: %s", pid_type == DT_DIR ? "DT_DIR" : pid_type < 0 ? "no" : "other type");
    say("/proc lists self: %s", self_type == DT_LNK ? "DT_LNK" : self_type < 0 ? "no" : "other type");
    // Nothing about others: how many processes the machine has differs.
    (void)others;
}

static char state_of(pid_t pid)
{
    char path[64], stat[4096], f[8];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (slurp(path, stat, sizeof stat) < 0)
        return '-';
    return stat_field(stat, 3, f, sizeof f)[0];
}

// Waits (up to 10 s) for pid's state to become `want`.
static char wait_state(pid_t pid, char want)
{
    char s = 0;
    for (int i = 0; i < 1000 && (s = state_of(pid)) != want; ++i) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return s;
}

static void child_directory(const char* self_cmdline, long self_length)
{
    int go[2];
    if (pipe(go) != 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) < 0)
            _exit(1);
        _exit(3);
    }
    close(go[0]);
    char path[64], buf[4096];
    say("child while it waits: %c", wait_state(child, 'S'));
    snprintf(path, sizeof path, "/proc/%d/cmdline", child);
    long n = slurp(path, buf, sizeof buf);
    say("child cmdline is the parent's: %s", n == self_length && memcmp(buf, self_cmdline, (size_t)n) == 0 ? "yes" : "no");
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    slurp(path, buf, sizeof buf);
    char f[64];
    say("child stat ppid is the parent: %s", atoi(stat_field(buf, 4, f, sizeof f)) == getpid() ? "yes" : "no");
    say("child stat exit_signal: %s", stat_field(buf, 38, f, sizeof f));
    if (write(go[1], "x", 1) != 1)
        say("write: %s", strerror(errno));
    close(go[1]);
    say("child after it exits: %c", wait_state(child, 'Z'));
    slurp(path, buf, sizeof buf);
    say("zombie stat exit_code: %s", stat_field(buf, 52, f, sizeof f));
    snprintf(path, sizeof path, "/proc/%d/cmdline", child);
    say("zombie cmdline bytes: %ld", slurp(path, buf, sizeof buf));
    snprintf(path, sizeof path, "/proc/%d/exe", child);
    say("zombie exe: %s", link_text(path));
    int status;
    waitpid(child, &status, 0);
    snprintf(path, sizeof path, "/proc/%d", child);
    struct stat st;
    say("reaped child's directory: %s", stat(path, &st) == 0 ? "still there" : strerrorname_np(errno));
}

static void exec_self(void)
{
    pid_t child = fork();
    if (child == 0) {
        char* args[] = { "procfs_self", "--child", "x y", "", NULL };
        execv("/proc/self/exe", args);
        say("execv /proc/self/exe: %s", strerrorname_np(errno));
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    say("exec'd child status: %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void on_term(int sig) { (void)sig; }

int main(int argc, char** argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0) {
        child_mode(argc, argv);
        return 0;
    }
    // Known dispositions and mask, whatever the caller left.
    for (int sig = 1; sig < 32; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_SETMASK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGTERM, on_term);
    umask(027);
    const char* dir = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/procfs-XXXXXX", dir && *dir ? dir : "/tmp");
    mkdir(dir && *dir ? dir : "/tmp", 01777);
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    self_link();
    stat_file();
    status_file();
    char cmdline[4096];
    long length = slurp("/proc/self/cmdline", cmdline, sizeof cmdline);
    show_cmdline("own", "/proc/self/cmdline");
    exe_link();
    fd_links();
    cwd_root();
    listing();
    child_directory(cmdline, length);
    exec_self();
    rmdir(tmp);
    say("done");
    return 0;
}
