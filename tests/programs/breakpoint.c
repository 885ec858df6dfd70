/* breakpoint: executes int3. Linux kills it with SIGTRAP (a shell shows
 * status 133), not SIGSEGV: ring 3 may raise the breakpoint exception. */
#include <stdio.h>

int main(void)
{
    puts("breakpoint: executing int3");
    fflush(stdout);
    __asm__ volatile("int3");
    puts("breakpoint: still alive?");
    return 0;
}
