/* Copies between kernel and application memory that may fault. Each
 * faulting instruction has an entry in .husk_extable; Faults.cpp resumes a
 * fault there at the fixup, which returns -EFAULT (14).
 *
 * long husk_x86_copy(void *dst, const void *src, size_t len)  -> 0 / -EFAULT
 * long husk_x86_strncpy(char *dst, const char *src, size_t max)
 *      -> length, -EFAULT, or -ENAMETOOLONG (36) when no NUL in max bytes */
    .text
    .globl husk_x86_copy
    .type husk_x86_copy, @function
husk_x86_copy:
    movq %rdx, %rcx
1:  rep movsb
    xorl %eax, %eax
    ret
2:  movq $-14, %rax
    ret
    .size husk_x86_copy, .-husk_x86_copy

    .globl husk_x86_strncpy
    .type husk_x86_strncpy, @function
husk_x86_strncpy:
    xorl %eax, %eax
3:  cmpq %rdx, %rax
    jae 5f
4:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 6f
    incq %rax
    jmp 3b
5:  testq %rdx, %rdx
    jz 7f
    movb $0, -1(%rdi,%rdx)
7:  movq $-36, %rax
6:  ret
8:  movq $-14, %rax
    ret
    .size husk_x86_strncpy, .-husk_x86_strncpy

    .section .husk_extable, "a"
    .balign 8
    .quad 1b, 2b
    .quad 4b, 8b

    .section .note.GNU-stack, "", @progbits
