/* The floor of a boot benchmark: a PVH guest whose first instruction
 * exits QEMU (isa-debug-exit, status 0). Whatever Husk costs beyond this is
 * Husk's own. */
    .section .note.pvh, "a", @note
    .balign 4
    .long 4, 4, 18
    .asciz "Xen"
    .long pvh_stub_entry
    .balign 4

    .text
    .code32
    .globl pvh_stub_entry
pvh_stub_entry:
    movw $0x501, %dx
    xorl %eax, %eax
    outb %al, %dx
1:  hlt
    jmp 1b
    .section .note.GNU-stack, "", @progbits
