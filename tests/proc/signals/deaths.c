/* How a signal ends a process (the exit status a shell sees: 128 + N):
 * a fault whose signal is blocked or ignored still kills (Linux forces the
 * default), a handler's SIGSEGV while building its frame kills, default
 * actions of kill and raise, SIGKILL, abort() through a handler that
 * returns. Usage: deaths MODE */
#include "common.h"
#include <sys/mman.h>

static void returns(int sig, siginfo_t *si, void *ctx) { say("handler of %d returns", sig); }

int main(int argc, char **argv)
{
    clean_start();
    const char *mode = argc > 1 ? argv[1] : "";
    say("deaths: %s", mode);
    volatile int *null = NULL;
    if (!strcmp(mode, "segv-blocked")) {
        install(SIGSEGV, returns, 0);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *null = 1;
    } else if (!strcmp(mode, "segv-ignored")) {
        signal(SIGSEGV, SIG_IGN);
        *null = 1;
    } else if (!strcmp(mode, "fpe-blocked")) {
        install(SIGFPE, returns, 0);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGFPE);
        sigprocmask(SIG_BLOCK, &s, NULL);
        volatile int zero = 0;
        say("%d", 1 / zero);
    } else if (!strcmp(mode, "no-stack")) {
        /* The handler's frame cannot be written: SIGSEGV, which kills. */
        install(SIGUSR1, returns, 0);
        __asm__ volatile("movq $0x1000, %%rsp\n\t"
                         "movl $62, %%eax\n\t" /* kill(getpid(), SIGUSR1) */
                         "syscall\n\t"
                         "hlt" ::"D"((long)getpid()), "S"((long)SIGUSR1) : "rax", "rcx", "r11", "memory");
    } else if (!strcmp(mode, "term")) {
        kill(getpid(), SIGTERM);
        pause();
    } else if (!strcmp(mode, "usr1")) {
        raise(SIGUSR1);
    } else if (!strcmp(mode, "kill")) {
        install(SIGTERM, returns, 0);
        kill(getpid(), SIGKILL);
        pause();
    } else if (!strcmp(mode, "abort")) {
        install(SIGABRT, returns, 0);
        abort();
    } else if (!strcmp(mode, "rt")) {
        union sigval v = { 0 };
        sigqueue(getpid(), SIGRTMIN + 1, v);
    } else if (!strcmp(mode, "blocked-then-unblocked")) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGINT);
        sigprocmask(SIG_BLOCK, &s, NULL);
        raise(SIGINT);
        say("still alive while SIGINT is blocked");
        sigprocmask(SIG_UNBLOCK, &s, NULL);
    }
    say("still alive");
    return 0;
}
