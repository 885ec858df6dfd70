/* posix_spawn: the libc's spawn (glibc: clone(CLONE_VM|CLONE_VFORK),
 * trying clone3 first; musl: clone(CLONE_VM|CLONE_VFORK) with an error
 * pipe) and its file actions and attributes.
 *   - posix_spawn by path, posix_spawnp through PATH; argv, envp, status;
 *   - file actions: open (stdout into a file), dup2 (stdout into a
 *     pipe), close (a descriptor the program then lacks);
 *   - attributes: a new process group, a signal mask, signals reset to
 *     their default;
 *   - errors come back as the return value (no child left behind): a
 *     missing program, a file action that cannot open its file. */
#include "proctest.h"
#include <spawn.h>

extern char** environ;

/* Prints a spawn's result and, when it worked, the child's status, once
 * the child is gone (so that nothing it prints races with these lines). */
static void spawned(const char* what, int error, const pid_t* pid, const char* want_status)
{
    const char* status = error ? "" : status_text(pt_wait(*pid));
    expect_str(what, errno_name(error), "0");
    if (!error)
        expect_str("status", status, want_status);
}

int main(int argc, char** argv)
{
    pt_start("posix_spawn", argc, argv);
    const char* echoargs = bin_path("echoargs");
    pid_t pid;
    char* args[] = { "echoargs", "spawned", "two words", NULL };
    char* env[] = { "PT_EXIT=7", "PT_X=y", NULL };

    say("-- posix_spawn");
    spawned("posix_spawn", posix_spawn(&pid, echoargs, NULL, NULL, args, env), &pid, "exited 7");

    say("-- posix_spawnp through PATH");
    char path[600];
    snprintf(path, sizeof path, "/nonexistent-dir:%s", pt_bin);
    must(setenv("PATH", path, 1) == 0, "setenv");
    char* argsp[] = { "echoargs", "found on PATH", NULL };
    spawned("posix_spawnp", posix_spawnp(&pid, "echoargs", NULL, NULL, argsp, env), &pid, "exited 7");

    say("-- file actions: open stdout on a file");
    const char* out = scratch_path("out");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    spawned("posix_spawn", posix_spawn(&pid, echoargs, &fa, NULL, args, env), &pid, "exited 7");
    posix_spawn_file_actions_destroy(&fa);
    char text[512] = { 0 };
    int fd = open(out, O_RDONLY);
    must(fd >= 0, "open");
    read_full(fd, text, sizeof text - 1);
    close(fd);
    for (char* line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        say("in the file: %s", line);

    say("-- file actions: dup2 stdout into a pipe, close a descriptor");
    int p[2];
    must(pipe2(p, O_CLOEXEC) == 0, "pipe");
    int extra = open("/", O_RDONLY | O_DIRECTORY); /* no O_CLOEXEC: would be inherited */
    must(extra >= 0, "open /");
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, extra);
    char* fdargs[] = { "fdreport", NULL };
    char* noenv[] = { NULL };
    int e = posix_spawn(&pid, bin_path("fdreport"), &fa, NULL, fdargs, noenv);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    memset(text, 0, sizeof text);
    read_full(p[0], text, sizeof text - 1);
    close(p[0]);
    spawned("posix_spawn", e, &pid, "exited 0");
    for (char* line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        say("through the pipe: %s", line);
    close(extra);

    say("-- attributes: process group, signal mask, default signals");
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t mask, def;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigemptyset(&def);
    sigaddset(&def, SIGUSR2);
    signal(SIGUSR2, SIG_IGN); /* ignored here, default in the child */
    signal(SIGTERM, SIG_IGN); /* ignored here and in the child */
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &mask);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char* infoargs[] = { "procinfo", NULL };
    spawned("posix_spawn", posix_spawn(&pid, bin_path("procinfo"), NULL, &at, infoargs, noenv), &pid, "exited 0");
    posix_spawnattr_destroy(&at);
    signal(SIGUSR2, SIG_DFL);
    signal(SIGTERM, SIG_DFL);

    say("-- errors");
    expect_str("posix_spawn of a missing program", errno_name(posix_spawn(&pid, bin_path("missing"), NULL, NULL, args, env)),
               "ENOENT");
    expect_str("posix_spawnp of a program on no PATH entry",
               errno_name(posix_spawnp(&pid, "missing-too", NULL, NULL, args, env)), "ENOENT");
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/nonexistent-dir/file", O_RDONLY, 0);
    expect_str("posix_spawn with an open action that fails",
               errno_name(posix_spawn(&pid, echoargs, &fa, NULL, args, env)), "ENOENT");
    posix_spawn_file_actions_destroy(&fa);
    expect_outcome("no child is left behind", waitpid(-1, NULL, WNOHANG), "ECHILD");

    const char* names[] = { "out", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
