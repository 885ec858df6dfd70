/* abort: abort() raises SIGABRT; with its default action the process ends
 * and a shell shows status 134. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    puts("abort: calling abort()");
    fflush(stdout);
    abort();
}
