/* exec-back PROGRAM ARGS: a static program that runs PROGRAM (a dynamic
 * one) with ARGS, by execve. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    printf("exec-back: a static program execs a dynamic one\n");
    fflush(stdout);
    execv(argv[1], argv + 1);
    perror("exec-back: execv");
    return 1;
}
