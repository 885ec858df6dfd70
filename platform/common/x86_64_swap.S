/* Kernel-thread context switch on x86-64 (System V), shared by the hosted
 * and bare-metal platforms.
 *
 * husk_x86_64_swap(uint64_t *save_sp, uint64_t load_sp)
 *   pushes the callee-saved registers and the SSE/x87 control words, stores
 *   the stack pointer in *save_sp, loads load_sp and pops the same frame.
 * husk_x86_64_swap_gpr: the same without the control words (below).
 * husk_x86_64_trampoline: first code a new context runs: calls
 *   husk_context_started(arg) (the platform's hook), then entry(arg), with
 *   entry in r12 and arg in r13 (placed there by husk::x86_64_initial_frame). */
    .text
    .globl husk_x86_64_swap
    .hidden husk_x86_64_swap
    .type husk_x86_64_swap, @function
husk_x86_64_swap:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size husk_x86_64_swap, .-husk_x86_64_swap

/* husk_x86_64_swap_gpr: the same frame, but the control-word slot is left
 * alone. For bare-metal kernel threads, which never touch SSE/x87 state
 * (-mgeneral-regs-only); also, KVM without hardware paging support emulates
 * the first touch of a page and cannot emulate stmxcsr/fnstcw. */
    .globl husk_x86_64_swap_gpr
    .hidden husk_x86_64_swap_gpr
    .type husk_x86_64_swap_gpr, @function
husk_x86_64_swap_gpr:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size husk_x86_64_swap_gpr, .-husk_x86_64_swap_gpr

    .globl husk_x86_64_trampoline
    .hidden husk_x86_64_trampoline
    .type husk_x86_64_trampoline, @function
husk_x86_64_trampoline:
    movq %r13, %rdi
    callq husk_context_started
    movq %r13, %rdi
    callq *%r12
    ud2
    .size husk_x86_64_trampoline, .-husk_x86_64_trampoline

    .section .note.GNU-stack,"",@progbits
