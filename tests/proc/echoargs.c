/* echoargs: a helper the process tests exec (and the interpreter of their
 * #! scripts). Prints its argument count, each argument and the PT_*
 * variables of its environment, with the directories that differ between
 * host and guest written as $BIN and $SCRATCH (the values of PT_BIN and
 * PT_SCRATCH) and unprintable bytes escaped. Then:
 *   PT_PID=N   says whether its pid is still N (execve keeps the pid);
 *   PT_THEN=P  execs P (argv: P, "chained"), dropping PT_THEN;
 *   PT_BLOCK=1 reads its stdin to EOF before exiting;
 *   PT_EXIT=N  exits with status N (default 0). */
#include "proctest.h"

extern char** environ;

static void print_text(const char* s)
{
    const char* bin = getenv("PT_BIN");
    const char* scratch = getenv("PT_SCRATCH");
    size_t nb = bin ? strlen(bin) : 0, ns = scratch ? strlen(scratch) : 0;
    while (*s) {
        if (nb && strncmp(s, bin, nb) == 0) {
            fputs("$BIN", stdout);
            s += nb;
        } else if (ns && strncmp(s, scratch, ns) == 0) {
            fputs("$SCRATCH", stdout);
            s += ns;
        } else {
            unsigned char c = (unsigned char)*s++;
            if (c == '\\')
                fputs("\\\\", stdout);
            else if (c == '\r')
                fputs("\\r", stdout);
            else if (c == '\t')
                fputs("\\t", stdout);
            else if (c < 0x20 || c >= 0x7f)
                printf("\\x%02x", c);
            else
                putchar(c);
        }
    }
}

int main(int argc, char** argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("echoargs: argc %d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("echoargs: argv[%d] = \"", i);
        print_text(argv[i]);
        printf("\"\n");
    }
    if (argv[argc] != NULL)
        printf("echoargs: argv is not NULL-terminated\n");
    int shown = 0;
    for (char** e = environ; *e; e++) {
        if (strncmp(*e, "PT_", 3) != 0 || strncmp(*e, "PT_BIN=", 7) == 0 || strncmp(*e, "PT_SCRATCH=", 11) == 0
            || strncmp(*e, "PT_PID=", 7) == 0)
            continue;
        printf("echoargs: env ");
        print_text(*e);
        printf("\n");
        shown++;
    }
    if (!shown)
        printf("echoargs: no PT_ variables\n");
    const char* pid = getenv("PT_PID");
    if (pid)
        printf("echoargs: pid unchanged by execve: %s\n", atol(pid) == (long)getpid() ? "yes" : "no");
    const char* then = getenv("PT_THEN");
    if (then) {
        char path[512];
        snprintf(path, sizeof path, "%s", then);
        unsetenv("PT_THEN");
        char* args[] = { path, "chained", NULL };
        fflush(stdout);
        execve(path, args, environ);
        printf("echoargs: execve %s: %s\n", path, errno_name(errno));
        return 127;
    }
    if (getenv("PT_BLOCK")) {
        char buf[64];
        while (read(0, buf, sizeof buf) > 0) { }
    }
    const char* code = getenv("PT_EXIT");
    return code ? atoi(code) : 0;
}
