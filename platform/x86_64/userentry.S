/* Entering and leaving application code (ring 3).
 *
 * husk_x86_enter_user(RunState *rs) saves the kernel's callee-saved
 * registers and stack pointer in rs, points TSS.rsp0 just below that frame
 * (interrupts from ring 3 land there), loads the application's registers
 * from rs->regs and IRETs to it. It "returns" HUSK_TRAP_SYSCALL when the
 * application executes SYSCALL (husk_x86_syscall_entry stores its registers
 * straight into rs->regs), or whatever husk_x86_leave_user is given when a
 * CPU exception in ring 3 ends the run. */
#define RS_KERNEL_RSP 0
#define RS_REGS_TOP 8
#define RS_REGS 16
#define USER_DS (0x18 | 3)
#define USER_CS (0x20 | 3)
#define HUSK_TRAP_SYSCALL 1
#define PERCPU_USER_RUN 8
#define PERCPU_RSP_SCRATCH 16
#define PERCPU_TSS_RSP0 24

    .text
    .globl husk_x86_enter_user
    .type husk_x86_enter_user, @function
husk_x86_enter_user:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, RS_KERNEL_RSP(%rdi)
    movq %rdi, %gs:PERCPU_USER_RUN
    movq %gs:PERCPU_TSS_RSP0, %rax
    movq %rsp, (%rax)
    movq RS_REGS(%rdi), %rax
    pushq $USER_DS
    pushq 56(%rax)                  /* rsp */
    pushq 136(%rax)                 /* rflags (sanitised by the caller) */
    pushq $USER_CS
    pushq 128(%rax)                 /* rip */
    movq 8(%rax), %rbx
    movq 16(%rax), %rcx
    movq 24(%rax), %rdx
    movq 32(%rax), %rsi
    movq 40(%rax), %rdi
    movq 48(%rax), %rbp
    movq 64(%rax), %r8
    movq 72(%rax), %r9
    movq 80(%rax), %r10
    movq 88(%rax), %r11
    movq 96(%rax), %r12
    movq 104(%rax), %r13
    movq 112(%rax), %r14
    movq 120(%rax), %r15
    movq 0(%rax), %rax
    swapgs                          /* the application's GS base */
    iretq
    .size husk_x86_enter_user, .-husk_x86_enter_user

/* SYSCALL from ring 3: rcx = user rip, r11 = user rflags, interrupts off
 * (FMASK). The registers go into the run's husk_user_regs by pushing down
 * from its fs_base field, in the structure's order; rcx and r11 hold what
 * Linux leaves in them (rip, rflags). */
    .globl husk_x86_syscall_entry
    .type husk_x86_syscall_entry, @function
husk_x86_syscall_entry:
    swapgs                          /* this CPU's block (PerCpu.h) */
    movq %rsp, %gs:PERCPU_RSP_SCRATCH
    movq %gs:PERCPU_USER_RUN, %rsp
    movq RS_REGS_TOP(%rsp), %rsp
    pushq %r11                      /* rflags */
    pushq %rcx                      /* rip */
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    pushq %r11
    pushq %r10
    pushq %r9
    pushq %r8
    pushq %gs:PERCPU_RSP_SCRATCH
    pushq %rbp
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %rbx
    pushq %rax
    movq %gs:PERCPU_USER_RUN, %rdi
    movl $HUSK_TRAP_SYSCALL, %esi
    /* fall through */

/* husk_x86_leave_user(RunState *rs, uint32_t kind): back onto the kernel
 * frame husk_x86_enter_user saved, returning kind from it. */
    .globl husk_x86_leave_user
husk_x86_leave_user:
    movq RS_KERNEL_RSP(%rdi), %rsp
    movl %esi, %eax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size husk_x86_syscall_entry, .-husk_x86_syscall_entry

    .section .note.GNU-stack, "", @progbits
