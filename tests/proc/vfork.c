/* vfork: the child borrows the parent's memory and the parent waits until
 * the child calls _exit or execve.
 *   - vfork + _exit: the child has its own pid and the parent as its
 *     parent; what it stores is seen by the parent (Linux shares the
 *     memory; the parent resumes only after the child is gone);
 *   - vfork + execve: the parent resumes while the exec'd program runs
 *     and gets its status; a failed execve in the child: _exit(127). */
#include "proctest.h"

static volatile pid_t child_pid, child_ppid;
static volatile int child_ran;

int main(int argc, char** argv)
{
    pt_start("vfork", argc, argv);
    pid_t self = getpid();
    /* Everything the child needs, computed before: it may only store
     * plain variables and call _exit or execve. */
    const char* echoargs = bin_path("echoargs");
    const char* missing = bin_path("does-not-exist");
    char* args[] = { "echoargs", "from vfork", NULL };
    char* env[] = { "PT_EXIT=12", NULL };

    say("-- vfork and _exit");
    fflush(NULL);
    pid_t pid = vfork();
    if (pid == 0) {
        child_pid = getpid();
        child_ppid = getppid();
        child_ran = 1;
        _exit(5);
    }
    must(pid > 0, "vfork");
    expect_yes("the parent resumes after the child ran", child_ran == 1);
    expect_yes("the child's getpid is what vfork returned", child_pid == pid);
    expect_yes("the child's pid is not the parent's", child_pid != self);
    expect_yes("the child's getppid is the parent", child_ppid == self);
    expect_str("the child", status_text(pt_wait(pid)), "exited 5");

    say("-- vfork and execve");
    fflush(NULL);
    pid = vfork();
    if (pid == 0) {
        execve(echoargs, args, env);
        _exit(127);
    }
    must(pid > 0, "vfork");
    expect_str("the exec'd program", status_text(pt_wait(pid)), "exited 12");

    say("-- vfork and a failed execve");
    fflush(NULL);
    pid = vfork();
    if (pid == 0) {
        execve(missing, args, env);
        _exit(127);
    }
    must(pid > 0, "vfork");
    expect_str("the child", status_text(pt_wait(pid)), "exited 127");

    say("-- vfork returns to the parent at execve");
    /* The exec'd program blocks reading its stdin (its output goes to a
     * pipe, read afterwards); the parent resuming proves vfork returned
     * at execve, not at exit. The child's dup2 leaves the parent's
     * descriptors alone: vfork shares memory, not the descriptor table. */
    int in[2], out[2];
    must(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0, "pipe");
    char* blockargs[] = { "echoargs", "blocks", NULL };
    char* blockenv[] = { "PT_BLOCK=1", NULL };
    fflush(NULL);
    pid = vfork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        execve(echoargs, blockargs, blockenv);
        _exit(127);
    }
    must(pid > 0, "vfork");
    expect_yes("the parent resumed while the exec'd child still runs", waitpid(pid, NULL, WNOHANG) == 0);
    struct stat now, pipe_end;
    must(fstat(1, &now) == 0 && fstat(out[1], &pipe_end) == 0, "fstat");
    expect_yes("the parent's stdout is still its own", now.st_ino != pipe_end.st_ino || now.st_dev != pipe_end.st_dev);
    close(in[0]);
    close(in[1]);
    close(out[1]);
    char said[256] = { 0 };
    read_full(out[0], said, sizeof said - 1);
    close(out[0]);
    expect_yes("the exec'd program's output came through its pipe", strstr(said, "argv[1] = \"blocks\"") != NULL);
    expect_str("the exec'd program", status_text(pt_wait(pid)), "exited 0");
    return pt_finish();
}
