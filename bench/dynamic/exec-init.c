/* exec-init PROGRAM: /init of the Linux microVM peer: runs the dynamic
 * PROGRAM, waits, and ends the VM (an init must not exit; QEMU runs with -no-reboot). */
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1) {
        pid_t pid = fork();
        if (pid == 0) {
            execv(argv[1], argv + 1);
            perror("exec-init: execv");
            _exit(127);
        }
        waitpid(pid, NULL, 0);
    }
    sync();
    reboot(RB_AUTOBOOT); /* QEMU runs with -no-reboot: it exits */
    return 0;
}
