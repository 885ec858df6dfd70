/* exec_chain: fork + execve of sibling programs from the disk.
 *   - argv (with an empty string and spaces) and envp reach the new
 *     program exactly; an empty environment is empty; the pid survives
 *     execve; the exit status comes back to the parent;
 *   - an exec'd program execs a third (a chain), whose status the parent gets;
 *   - across execve, caught signals become default, ignored ones stay
 *     ignored, the blocked mask and pending signals stay;
 *   - failures return to the caller, which keeps running: ENOENT (missing
 *     file, empty path), EACCES (no execute bit, a directory), ENOEXEC (a
 *     file that is neither ELF nor #!, and a truncated ELF header),
 *     ENOTDIR, E2BIG (one argument longer than MAX_ARG_STRLEN, 128 KiB). */
#include "proctest.h"

static void on_usr1(int sig) { (void)sig; }

static char pt_bin_var[600], pt_scratch_var[600];

/* Runs PROGRAM in a child with ARGS and ENV (PT_BIN and PT_SCRATCH added
 * so that echoargs can hide the paths); returns the wait status. */
static int run(const char* program, char* const* args, char* const* env_in)
{
    char* env[16];
    int n = 0;
    for (; env_in[n] && n < 12; n++)
        env[n] = env_in[n];
    env[n++] = pt_bin_var;
    env[n++] = pt_scratch_var;
    env[n] = NULL;
    pid_t pid = pt_fork();
    if (pid == 0) {
        execve(program, args, env);
        printf("execve %s: %s\n", program, errno_name(errno));
        _exit(127);
    }
    return pt_wait(pid);
}

static void exec_fails(const char* what, const char* path, const char* want)
{
    char* args[] = { "x", NULL };
    char* env[] = { NULL };
    errno = 0;
    long r = execve(path, args, env);
    expect_outcome(what, r, want);
}

int main(int argc, char** argv)
{
    pt_start("exec_chain", argc, argv);
    snprintf(pt_bin_var, sizeof pt_bin_var, "PT_BIN=%s", pt_bin);
    const char* echoargs = bin_path("echoargs");

    char* args1[] = { "echoargs", "one", "two words", "", "last", NULL };
    char* env1[] = { "PT_A=1", "PT_B=with space", "OTHER=hidden", "PT_EXIT=5", NULL };
    say("-- execve with arguments and an environment");
    expect_str("status", status_text(run(echoargs, args1, env1)), "exited 5");

    say("-- execve with an empty environment and argv[0] only");
    char* args2[] = { "only-argv0", NULL };
    char* env2[] = { NULL };
    expect_str("status", status_text(run(echoargs, args2, env2)), "exited 0");

    say("-- the pid stays the same across execve");
    pid_t pid = pt_fork();
    if (pid == 0) {
        char pidvar[32];
        snprintf(pidvar, sizeof pidvar, "PT_PID=%ld", (long)getpid());
        char* env[] = { pidvar, pt_bin_var, NULL };
        char* args[] = { "echoargs", NULL };
        execve(echoargs, args, env);
        _exit(127);
    }
    expect_str("status", status_text(pt_wait(pid)), "exited 0");

    say("-- a chain: echoargs execs echoargs, which exits 9");
    char then[600];
    snprintf(then, sizeof then, "PT_THEN=%s", echoargs);
    char* args3[] = { "first", NULL };
    char* env3[] = { then, "PT_EXIT=9", NULL };
    expect_str("status", status_text(run(echoargs, args3, env3)), "exited 9");

    say("-- signal dispositions and masks across execve");
    pid = pt_fork();
    if (pid == 0) {
        signal(SIGUSR1, on_usr1); /* caught: becomes default */
        signal(SIGUSR2, SIG_IGN); /* ignored: stays ignored */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM); /* blocked and pending: stays so */
        sigaddset(&set, SIGINT);  /* blocked: stays blocked */
        sigprocmask(SIG_BLOCK, &set, NULL);
        kill(getpid(), SIGTERM);
        char* args[] = { "procinfo", NULL };
        char* env[] = { NULL };
        execve(bin_path("procinfo"), args, env);
        _exit(127);
    }
    expect_str("status", status_text(pt_wait(pid)), "exited 0");

    say("-- failures return to the caller");
    write_file(scratch_path("not-executable"), "#!/bin/sh\n", 0644);
    write_file(scratch_path("garbage"), "this is neither ELF nor a script\n", 0755);
    write_file(scratch_path("short-elf"), "\177ELF\2\1\1", 0755);
    exec_fails("a missing file", bin_path("does-not-exist"), "ENOENT");
    exec_fails("an empty path", "", "ENOENT");
    exec_fails("a file without execute permission", scratch_path("not-executable"), "EACCES");
    exec_fails("a directory", pt_bin, "EACCES");
    exec_fails("a file that is neither ELF nor #!", scratch_path("garbage"), "ENOEXEC");
    exec_fails("a truncated ELF header", scratch_path("short-elf"), "ENOEXEC");
    char under_file[600];
    snprintf(under_file, sizeof under_file, "%s/x", echoargs);
    exec_fails("a path through a regular file", under_file, "ENOTDIR");
    size_t big = 200 * 1024;
    char* huge = malloc(big + 1);
    must(huge != NULL, "malloc");
    memset(huge, 'a', big);
    huge[big] = 0;
    char* args4[] = { "echoargs", huge, NULL };
    char* env4[] = { NULL };
    expect_outcome("an argument longer than 128 KiB", execve(echoargs, args4, env4), "E2BIG");
    free(huge);
    expect_yes("still running after the failed calls", true);

    const char* names[] = { "not-executable", "garbage", "short-elf", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
