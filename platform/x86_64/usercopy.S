/* Copies between kernel and application memory that may fault. Each
 * faulting instruction has an entry in .husk_extable; Faults.cpp resumes a
 * fault there at the fixup, which returns -EFAULT (14).
 *
 * long husk_x86_copy(void *dst, const void *src, size_t len)  -> 0 / -EFAULT
 * long husk_x86_strncpy(char *dst, const char *src, size_t max)
 *      -> length, -EFAULT, or -ENAMETOOLONG (36) when no NUL in max bytes
 * long husk_x86_cmpxchg32(uint32_t *word, uint32_t expected, uint32_t desired,
 *                         uint32_t *found) -> 0 / -EFAULT */
    .text

/* UACCESS insn: an instruction that touches application memory; a fault
 * there returns -EFAULT from husk_x86_copy. */
.macro UACCESS insn:vararg
99: \insn
    .pushsection .husk_extable, "a"
    .balign 8
    .quad 99b, .Lcopy_fault
    .popsection
.endm

/* Plain loads and stores, 64 bytes an iteration, as libc.cpp's memcpy and
 * for the same reason: TCG runs each iteration of a rep prefix through its
 * translation block (rep movsb copied pipes at a third of Linux's speed). */
    .globl husk_x86_copy
    .type husk_x86_copy, @function
husk_x86_copy:
    cmpq $64, %rdx
    jb 2f
1:  UACCESS movq 0(%rsi), %rax
    UACCESS movq 8(%rsi), %rcx
    UACCESS movq 16(%rsi), %r8
    UACCESS movq 24(%rsi), %r9
    UACCESS movq %rax, 0(%rdi)
    UACCESS movq %rcx, 8(%rdi)
    UACCESS movq %r8, 16(%rdi)
    UACCESS movq %r9, 24(%rdi)
    UACCESS movq 32(%rsi), %rax
    UACCESS movq 40(%rsi), %rcx
    UACCESS movq 48(%rsi), %r8
    UACCESS movq 56(%rsi), %r9
    UACCESS movq %rax, 32(%rdi)
    UACCESS movq %rcx, 40(%rdi)
    UACCESS movq %r8, 48(%rdi)
    UACCESS movq %r9, 56(%rdi)
    addq $64, %rsi
    addq $64, %rdi
    subq $64, %rdx
    cmpq $64, %rdx
    jae 1b
2:  cmpq $8, %rdx
    jb 3f
    UACCESS movq (%rsi), %rax
    UACCESS movq %rax, (%rdi)
    addq $8, %rsi
    addq $8, %rdi
    subq $8, %rdx
    jmp 2b
3:  testq %rdx, %rdx
    jz 4f
    UACCESS movb (%rsi), %al
    UACCESS movb %al, (%rdi)
    incq %rsi
    incq %rdi
    decq %rdx
    jmp 3b
4:  xorl %eax, %eax
    ret
.Lcopy_fault:
    movq $-14, %rax
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

/* LOCK CMPXCHG writes even when the comparison fails, so a read-only
 * (copy-on-write) page faults (CR0.WP) and nothing is stored. */
    .globl husk_x86_cmpxchg32
    .type husk_x86_cmpxchg32, @function
husk_x86_cmpxchg32:
    movl %esi, %eax
    UACCESS lock cmpxchgl %edx, (%rdi)
    movl %eax, (%rcx)
    xorl %eax, %eax
    ret
    .size husk_x86_cmpxchg32, .-husk_x86_cmpxchg32

    .section .husk_extable, "a"
    .balign 8
    .quad 4b, 8b

    .section .note.GNU-stack, "", @progbits
