/* unsupported: what Husk does not do yet answers with a clear error, and the
 * kernel log names the call once: fork and execve (processes come later),
 * and a call Husk will not support (kexec_load). The program goes on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    pid_t pid = fork();
    printf("fork: %d (%s)\n", (int)pid, pid < 0 ? strerror(errno) : "?");
    char *argv[] = { "sh", NULL };
    execve("/bin/sh", argv, argv + 1);
    printf("execve: %s\n", strerror(errno));
    long r = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("kexec_load: %ld (%s)\n", r, strerror(errno));
    r = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("unsupported: still running\n");
    return pid < 0 ? 0 : 1;
}
