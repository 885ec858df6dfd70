/* procbench: the cost of processes, measured by the program itself
 * (CLOCK_MONOTONIC), so that the same static binary runs on the host, as
 * a Husk unikernel and as /init of a Linux microVM. Prints one line per
 * benchmark: "NAME VALUE UNIT".
 *   fork_exit_wait        fork, _exit in the child, waitpid       us
 *   fork_touched_1MiB     the same in a process that touched 1 MiB   us
 *   fork_touched_256MiB   ... that touched 256 MiB (copy-on-write
 *                         shows: the pages are not copied)           us
 *   fork_exec_wait        fork, execve of a static program that
 *                         exits at once (EXIT0), waitpid             us
 *   vfork_exec_wait       the same with vfork                        us
 *   posix_spawn_wait      posix_spawn of EXIT0, waitpid              us
 *   pipe_pingpong         1-byte round trips between two processes
 *                         over two pipes                  round_trips/s
 *   pipe_throughput       64 KiB writes from a child to its parent  MiB/s
 *   idle_child_memory     the memory a process that touched 256 MiB
 *                         and its idle forked child use, as a percent
 *                         of what the process used alone (the PSS
 *                         of both in /proc/PID/smaps_rollup where
 *                         there is one; else sysinfo's free memory,
 *                         which a busy host makes useless) %_of_parent
 * Usage: procbench [--quick] EXIT0 [NAME...]  (no NAME: all) */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int quick;
static const char* exit0;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char* what)
{
    perror(what);
    exit(1);
}

static void reap(pid_t pid)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("child");
}

static void result(const char* name, double value, const char* unit)
{
    printf("%s %.1f %s\n", name, value, unit);
    fflush(stdout);
}

/* Microseconds per fork + _exit + wait, n times. */
static double fork_loop(int n)
{
    double t0 = now();
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        reap(pid);
    }
    return (now() - t0) / n * 1e6;
}

static void fork_exit_wait(void) { result("fork_exit_wait", fork_loop(quick ? 100 : 2000), "us"); }

/* In a child (so that the parent stays small): touches MiB, then forks. */
static void fork_touched(int mib, int n)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        size_t size = (size_t)mib << 20;
        char* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            die("mmap");
        memset(p, 1, size);
        char name[64];
        snprintf(name, sizeof name, "fork_touched_%dMiB", mib);
        result(name, fork_loop(n), "us");
        _exit(0);
    }
    reap(pid);
}

/* The proportional set size of a process (shared pages split between
 * their users), or -1 without /proc/PID/smaps_rollup. */
static double pss_bytes(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE* f = fopen(path, "r");
    if (!f)
        return -1;
    double kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Pss: %lf kB", &kib) == 1)
            break;
    fclose(f);
    return kib < 0 ? -1 : kib * 1024;
}

static double used_bytes(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        die("sysinfo");
    return ((double)si.totalram - (double)si.freeram) * si.mem_unit;
}

/* In a child: touches 256 MiB, forks a child that waits on a pipe, and
 * compares the memory used with what touching took. */
static void idle_child_memory(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        size_t size = (size_t)256 << 20;
        double before = used_bytes();
        char* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            die("mmap");
        memset(p, 1, size);
        double alone = used_bytes() - before;
        double pss_before = pss_bytes(getpid());
        int ready[2], hold[2];
        if (pipe(ready) != 0 || pipe(hold) != 0)
            die("pipe");
        pid_t idle = fork();
        if (idle < 0)
            die("fork");
        if (idle == 0) {
            char c = 1;
            close(hold[1]); /* else its own copy keeps the read below from seeing EOF */
            if (write(ready[1], &c, 1) != 1 || read(hold[0], &c, 1) < 0)
                _exit(1);
            _exit(0);
        }
        char c;
        if (read(ready[0], &c, 1) != 1)
            die("read");
        double both = used_bytes() - before;
        double self = pss_bytes(getpid()), child = pss_bytes(idle);
        if (self > 0 && child > 0) {
            alone = pss_before;
            both = self + child;
        }
        close(hold[1]);
        reap(idle);
        result("idle_child_memory", both / alone * 100, "%_of_parent");
        _exit(0);
    }
    reap(pid);
}

static void fork_exec_wait(int use_vfork)
{
    int n = quick ? 20 : 300;
    char* args[] = { "exit0", NULL };
    char* env[] = { NULL };
    double t0 = now();
    for (int i = 0; i < n; i++) {
        pid_t pid = use_vfork ? vfork() : fork();
        if (pid == 0) {
            execve(exit0, args, env);
            _exit(127);
        }
        reap(pid);
    }
    result(use_vfork ? "vfork_exec_wait" : "fork_exec_wait", (now() - t0) / n * 1e6, "us");
}

static void spawn_wait(void)
{
    int n = quick ? 20 : 300;
    char* args[] = { "exit0", NULL };
    char* env[] = { NULL };
    double t0 = now();
    for (int i = 0; i < n; i++) {
        pid_t pid;
        if (posix_spawn(&pid, exit0, NULL, NULL, args, env) != 0)
            die("posix_spawn");
        reap(pid);
    }
    result("posix_spawn_wait", (now() - t0) / n * 1e6, "us");
}

static void pingpong(void)
{
    int n = quick ? 1000 : 20000;
    int there[2], back[2];
    if (pipe(there) != 0 || pipe(back) != 0)
        die("pipe");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(there[1]);
        close(back[0]);
        while (read(there[0], &c, 1) == 1)
            if (write(back[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    char c = 'x';
    double t0 = now();
    for (int i = 0; i < n; i++)
        if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
            die("ping");
    double t = now() - t0;
    close(there[1]);
    close(back[0]);
    reap(pid);
    result("pipe_pingpong", n / t, "round_trips/s");
}

static void throughput(void)
{
    size_t total = (size_t)(quick ? 32 : 512) << 20, chunk = 65536;
    int p[2];
    if (pipe(p) != 0)
        die("pipe");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        static char buf[65536];
        close(p[0]);
        memset(buf, 'a', sizeof buf);
        for (size_t done = 0; done < total; done += chunk)
            if (write(p[1], buf, chunk) != (ssize_t)chunk)
                _exit(1);
        _exit(0);
    }
    close(p[1]);
    static char buf[65536];
    size_t got = 0;
    ssize_t r;
    double t0 = now();
    while ((r = read(p[0], buf, sizeof buf)) > 0)
        got += (size_t)r;
    double t = now() - t0;
    close(p[0]);
    reap(pid);
    if (got != total)
        die("short transfer");
    result("pipe_throughput", total / t / 1048576.0, "MiB/s");
}

static int wanted(int argc, char** argv, int first, const char* name)
{
    if (first >= argc)
        return 1;
    for (int i = first; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char** argv)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "--quick") == 0) {
        quick = 1;
        i++;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: procbench [--quick] EXIT0 [NAME...]\n");
        return 2;
    }
    exit0 = argv[i++];
    if (wanted(argc, argv, i, "fork_exit_wait"))
        fork_exit_wait();
    if (wanted(argc, argv, i, "fork_touched_1MiB"))
        fork_touched(1, quick ? 100 : 1000);
    if (wanted(argc, argv, i, "fork_touched_256MiB"))
        fork_touched(256, quick ? 5 : 50);
    if (wanted(argc, argv, i, "fork_exec_wait"))
        fork_exec_wait(0);
    if (wanted(argc, argv, i, "vfork_exec_wait"))
        fork_exec_wait(1);
    if (wanted(argc, argv, i, "posix_spawn_wait"))
        spawn_wait();
    if (wanted(argc, argv, i, "pipe_pingpong"))
        pingpong();
    if (wanted(argc, argv, i, "pipe_throughput"))
        throughput();
    if (wanted(argc, argv, i, "idle_child_memory"))
        idle_child_memory();
    return 0;
}
