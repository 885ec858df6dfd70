/* Arguments and environment as large as Linux allows (issue 28).
 *
 * argsum ARGS...: prints how many arguments (after argv[0]) and variables
 * the program got, their bytes and an FNV-1a checksum of each list (every
 * string with its NUL): the host's run and husk run's must print the same.
 *
 * argsum --limits: execs itself (/proc/self/exe) with an argument of the
 * longest length Linux takes (MAX_ARG_STRLEN - 1) and one byte longer, and
 * with arguments filling exactly the total Linux takes (a quarter of the
 * stack limit, with a pointer per argument) and one byte more: each
 * exec's result, as Linux gives it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARG_STRLEN (32 * 4096)

static const char self[] = "/proc/self/exe";

static void sum(const char* what, char** list, int skip)
{
    uint64_t h = 0xcbf29ce484222325ull, bytes = 0;
    size_t n = 0;
    for (char** p = list + skip; *p; ++p, ++n) {
        size_t len = strlen(*p) + 1;
        for (size_t i = 0; i < len; ++i)
            h = (h ^ (unsigned char)(*p)[i]) * 0x100000001b3ull;
        bytes += len;
    }
    printf("%s: %zu strings, %llu bytes, checksum %016llx\n", what, n, (unsigned long long)bytes, (unsigned long long)h);
}

/* Runs self with argv; "ok" or the errno execve gave. */
static void try_exec(const char* what, char** argv)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char* envp[] = { NULL };
        execve(self, argv, envp);
        printf("%s: %s\n", what, errno == E2BIG ? "E2BIG" : strerror(errno));
        fflush(stdout);
        _exit(1);
    }
    int status;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        printf("%s: ok\n", what);
}

/* Linux's limit on execve's strings (fs/exec.c, bprm_stack_limits). */
static size_t total_limit(void)
{
    struct rlimit r;
    getrlimit(RLIMIT_STACK, &r);
    size_t limit = (8u << 20) / 4 * 3;
    if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur / 4 < limit)
        limit = r.rlim_cur / 4;
    return limit < MAX_ARG_STRLEN ? MAX_ARG_STRLEN : limit;
}

/* argv = { "argsum", "--quiet", fill... } whose strings (self's path
 * included) and pointers take exactly `total` bytes. */
static char** filled(size_t total)
{
    size_t fixed = sizeof self + sizeof "argsum" + sizeof "--quiet";
    for (size_t k = 1;; ++k) {
        size_t pointers = (2 + k) * sizeof(char*);
        size_t rest = total - fixed - pointers; /* the fill strings with their NULs */
        if (rest > k * MAX_ARG_STRLEN)
            continue;
        char** argv = calloc(k + 3, sizeof *argv);
        argv[0] = "argsum";
        argv[1] = "--quiet";
        for (size_t i = 0; i < k; ++i) {
            size_t len = rest / k + (i < rest % k) - 1;
            argv[2 + i] = malloc(len + 1);
            memset(argv[2 + i], 'a' + i % 26, len);
            argv[2 + i][len] = 0;
        }
        return argv;
    }
}

int main(int argc, char** argv, char** envp)
{
    if (argc > 1 && strcmp(argv[1], "--quiet") == 0)
        return 0;
    if (argc > 1 && strcmp(argv[1], "--limits") == 0) {
        static char longest[MAX_ARG_STRLEN + 1];
        memset(longest, 'x', MAX_ARG_STRLEN);
        longest[MAX_ARG_STRLEN - 1] = 0;
        char* one[] = { "argsum", "--quiet", longest, NULL };
        try_exec("one argument of MAX_ARG_STRLEN - 1 bytes", one);
        longest[MAX_ARG_STRLEN - 1] = 'x';
        try_exec("one argument of MAX_ARG_STRLEN bytes", one);
        size_t limit = total_limit();
        try_exec("arguments filling the limit", filled(limit));
        try_exec("arguments one byte over the limit", filled(limit + 1));
        return 0;
    }
    sum("argv", argv, 1);
    sum("envp", envp, 0);
    return 0;
}
