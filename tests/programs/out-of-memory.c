/* out-of-memory: mallocs and touches 1 MiB blocks until the memory runs
 * out. malloc succeeds (memory is committed on first touch, as on Linux
 * with overcommit); the touch that finds no page left must end the program
 * as Linux's OOM killer does: SIGKILL, status 137, and a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    size_t limit_mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
    for (size_t mib = 1; mib <= limit_mib; ++mib) {
        char *block = malloc(1 << 20);
        if (!block) {
            printf("out-of-memory: malloc failed after %zu MiB\n", mib - 1);
            return 1;
        }
        memset(block, 0xa5, 1 << 20);
        if (mib % 8 == 0) {
            printf("out-of-memory: %zu MiB touched\n", mib);
            fflush(stdout);
        }
    }
    printf("out-of-memory: still alive after %zu MiB\n", limit_mib);
    return 0;
}
