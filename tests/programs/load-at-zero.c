/* load-at-zero: a fixed-address program whose first segment is at virtual
 * address 0 (linked with -Ttext-segment=0), where no program may live:
 * husk run refuses it with status 126 ("cannot run"). */
void _start(void)
{
    __asm__ volatile("mov $60, %eax; xor %edi, %edi; syscall");
}
