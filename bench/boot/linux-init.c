/* /init of the Linux peer in bench/boot: says hello on the console, then
 * makes QEMU exit at once through isa-debug-exit (status 0 -> QEMU's 1),
 * like Husk's empty image. A static binary (gcc -static). */
#include <stdio.h>
#include <sys/io.h>

int main(void)
{
    puts("hello from linux /init");
    fflush(stdout);
    if (ioperm(0x501, 1, 1) == 0)
        outb(0, 0x501);
    return 1; /* no isa-debug-exit: the kernel panics, panic=-1 reboots, -no-reboot stops QEMU */
}
