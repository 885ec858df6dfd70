/* clone: the clone flags a libc or a program uses for new processes.
 *   - exit signal SIGCHLD alone: a copy, like fork;
 *   - CLONE_VM: the child writes the parent's memory;
 *   - CLONE_VM|CLONE_VFORK: the parent waits until the child is gone;
 *   - CLONE_FILES: descriptor tables shared (a close and an open in the
 *     child are the parent's too); without it, copied;
 *   - CLONE_PARENT_SETTID / CLONE_CHILD_SETTID store the new pid;
 *   - exit signal 0: a "clone" child, waited for only with __WCLONE or
 *     __WALL (plain waitpid: ECHILD);
 *   - invalid combinations: CLONE_SIGHAND without CLONE_VM, CLONE_THREAD
 *     without CLONE_SIGHAND: EINVAL. */
#include "proctest.h"
#include <sched.h>

enum { stack_size = 256 * 1024 };
static volatile int value;
static int fd_to_close, fd_opened;
static volatile pid_t child_tid_slot, parent_tid_slot;

static int set_value(void* arg)
{
    value = (int)(long)arg;
    return 3;
}

static int late_value(void* arg)
{
    sleep_ms(200);
    value = (int)(long)arg;
    return 0;
}

static int change_files(void* arg)
{
    (void)arg;
    fd_opened = open("/", O_RDONLY | O_DIRECTORY); /* before the close: another number */
    close(fd_to_close);
    return fd_opened >= 0 ? 0 : 1;
}

static pid_t start(int (*fn)(void*), int flags, void* arg)
{
    char* stack = malloc(stack_size);
    must(stack != NULL, "malloc");
    fflush(NULL);
    /* The stack is left to the exit of the process: a CLONE_VM child may
     * still be on it when clone returns. */
    return clone(fn, stack + stack_size, flags, arg, (pid_t*)&parent_tid_slot, NULL, (pid_t*)&child_tid_slot);
}

int main(int argc, char** argv)
{
    pt_start("clone", argc, argv);

    value = 1;
    pid_t pid = start(set_value, SIGCHLD, (void*)2L);
    must(pid > 0, "clone");
    expect_str("SIGCHLD: the child", status_text(pt_wait(pid)), "exited 3");
    expect_long("SIGCHLD: its write is not seen", value, 1);

    pid = start(set_value, CLONE_VM | SIGCHLD, (void*)4L);
    must(pid > 0, "clone");
    expect_str("CLONE_VM: the child", status_text(pt_wait(pid)), "exited 3");
    expect_long("CLONE_VM: its write is seen", value, 4);

    pid = start(late_value, CLONE_VM | CLONE_VFORK | SIGCHLD, (void*)5L);
    must(pid > 0, "clone");
    expect_long("CLONE_VFORK: clone returns after the child's late write", value, 5);
    expect_str("CLONE_VFORK: the child", status_text(pt_wait(pid)), "exited 0");

    fd_to_close = open("/", O_RDONLY | O_DIRECTORY);
    must(fd_to_close >= 0, "open");
    pid = start(change_files, SIGCHLD, NULL);
    must(pid > 0, "clone");
    expect_str("without CLONE_FILES: the child", status_text(pt_wait(pid)), "exited 0");
    expect_yes("without CLONE_FILES: our descriptor is still open", fcntl(fd_to_close, F_GETFD) != -1);
    pid = start(change_files, CLONE_VM | CLONE_FILES | SIGCHLD, NULL);
    must(pid > 0, "clone");
    expect_str("CLONE_FILES: the child", status_text(pt_wait(pid)), "exited 0");
    expect_yes("CLONE_FILES: the child's close closed ours", fcntl(fd_to_close, F_GETFD) == -1);
    expect_yes("CLONE_FILES: the child's open is ours", fcntl(fd_opened, F_GETFD) != -1);
    close(fd_opened);

    parent_tid_slot = child_tid_slot = 0;
    pid = start(set_value, CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, (void*)6L);
    must(pid > 0, "clone");
    pt_wait(pid);
    expect_yes("CLONE_PARENT_SETTID stores the pid", parent_tid_slot == pid);
    expect_yes("CLONE_CHILD_SETTID stores the pid (shared memory)", child_tid_slot == pid);

    pid = start(set_value, CLONE_VM, (void*)7L);
    must(pid > 0, "clone");
    sleep_ms(100);
    expect_outcome("exit signal 0: waitpid without __WCLONE", waitpid(pid, NULL, 0), "ECHILD");
    int status = 0;
    expect_yes("waitpid(__WCLONE) gets it", waitpid(pid, &status, __WCLONE) == pid);
    expect_str("its status", status_text(status), "exited 3");
    pid = start(set_value, CLONE_VM, (void*)8L);
    must(pid > 0, "clone");
    expect_yes("waitpid(__WALL) gets another", waitpid(pid, &status, __WALL) == pid);

    errno = 0;
    expect_outcome("CLONE_SIGHAND without CLONE_VM", start(set_value, CLONE_SIGHAND | SIGCHLD, NULL), "EINVAL");
    expect_outcome("CLONE_THREAD without CLONE_SIGHAND", start(set_value, CLONE_VM | CLONE_THREAD, NULL), "EINVAL");
    expect_outcome("no children left", waitpid(-1, NULL, __WALL | WNOHANG), "ECHILD");
    return pt_finish();
}
