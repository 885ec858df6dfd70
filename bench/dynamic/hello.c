/* hello: the smallest dynamically linked program worth timing: libc's
 * start-up through ld.so, one line, exit. */
#include <stdio.h>

int main(void)
{
    puts("hello, dynamic world");
    return 0;
}
