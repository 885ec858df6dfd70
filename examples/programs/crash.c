/* crash: dereferences a null pointer. Linux kills it with SIGSEGV (a shell
 * shows status 139); so must Husk, with a report naming the faulting code. */
#include <stdio.h>

__attribute__((noinline)) static void write_through(volatile int *p)
{
    *p = 42;
}

int main(void)
{
    puts("crash: writing through a null pointer");
    fflush(stdout);
    write_through((volatile int *)0);
    puts("crash: still alive?");
    return 0;
}
