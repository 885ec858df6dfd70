/* Interrupt and exception entry: one stub per vector pushes a uniform frame
 * (error code or 0, vector number, all general registers) and calls
 * husk_x86_interrupt(InterruptFrame*). Returning resumes the interrupted
 * code, possibly much later: the handler may switch kernel threads. */
    .text

    .globl husk_x86_interrupt_stubs_start
husk_x86_interrupt_stubs_start:
vector = 0
.rept 256
    .balign 16
    /* Exceptions 8, 10-14, 17, 21, 29, 30 push an error code themselves. */
    .if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushq $0
    .endif
    pushq $vector
    jmp interrupt_common
    vector = vector + 1
.endr
    .balign 16

interrupt_common:
    /* From ring 3 (the saved CS's low bits): the kernel's GS base. */
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    /* Frame-pointer backtraces through the interrupt go on at the
     * interrupted code: point rbp at a fake frame {rbp, rip}. */
    pushq 136(%rsp)                 /* interrupted rip */
    pushq 72(%rsp)                  /* interrupted rbp (now 8 deeper) */
    movq %rsp, %rbp
    call husk_x86_interrupt
    addq $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                  /* vector, error code */
    testb $3, 8(%rsp)
    jz 2f
    swapgs
2:  iretq

    .section .note.GNU-stack, "", @progbits
