/* procinfo: a helper the process tests exec (or posix_spawn) to see what a
 * new program inherits: whether it leads its process group and session,
 * and, for SIGUSR1, SIGUSR2, SIGTERM and SIGINT, whether each is blocked,
 * pending or ignored. (Caught signals are reset to the default by execve,
 * ignored ones stay ignored, the mask is kept.) Exits with PT_EXIT. */
#include "proctest.h"

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("procinfo: leads its process group: %s\n", getpgrp() == getpid() ? "yes" : "no");
    printf("procinfo: leads its session: %s\n", getsid(0) == getpid() ? "yes" : "no");
    sigset_t blocked, pending;
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    sigpending(&pending);
    const int sigs[] = { SIGUSR1, SIGUSR2, SIGTERM, SIGINT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        sigaction(sigs[i], NULL, &sa);
        const char* disp = sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "caught";
        printf("procinfo: %s %s, blocked %s, pending %s\n", signal_name(sigs[i]), disp,
               sigismember(&blocked, sigs[i]) ? "yes" : "no", sigismember(&pending, sigs[i]) ? "yes" : "no");
    }
    const char* code = getenv("PT_EXIT");
    return code ? atoi(code) : 0;
}
