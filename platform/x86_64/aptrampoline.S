/* Where an application processor starts: the STARTUP IPI (SIPI) enters
 * this code in 16-bit real mode at CS:IP = 0x0800:0000, i.e. physical
 * 0x8000, where Smp.cpp copies it (a SIPI can only name a page below
 * 1 MiB, and the image lies above). It goes to protected mode, then to long
 * mode on boot.S's page tables (which identity-map the first GiB, this page
 * included, and alias it at the kernel's link address), and jumps to the
 * C++ entry with the stack Smp.cpp left in the parameter block at the end.
 * Position-dependent: every address is 0x8000 + offset. */
#define BASE 0x8000
#define AT(sym) (BASE + (sym) - husk_x86_ap_trampoline)

    .section .rodata
    .balign 16
    .globl husk_x86_ap_trampoline
    .code16
husk_x86_ap_trampoline:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl AT(tramp_gdt_ptr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $AT(protected_mode)

    .code32
protected_mode:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax /* PAE, OSFXSR, OSXMMEXCPT */
    movl %eax, %cr4
    movl AT(husk_x86_ap_cr3), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax         /* EFER.LME, NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax        /* PG, WP */
    andl $~((1 << 2) | (1 << 3)), %eax        /* no EM, no TS */
    movl %eax, %cr0
    ljmpl $0x18, $AT(long_mode)

    .code64
long_mode:
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    /* This page is not mapped in the kernel's tables: read the block now,
     * switch tables in husk_x86_ap_enter (high half, mapped in both). */
    movq AT(husk_x86_ap_stack), %rsp
    movq AT(husk_x86_ap_kernel_cr3), %rbx
    movq AT(husk_x86_ap_entry), %rax
    jmpq *%rax

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff                  /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff                  /* 0x10: data */
    .quad 0x00af9a000000ffff                  /* 0x18: 64-bit code */
tramp_gdt_ptr:
    .word tramp_gdt_ptr - tramp_gdt - 1
    .long AT(tramp_gdt)
    /* The parameter block Smp.cpp fills in its copy. */
    .balign 8
    .globl husk_x86_ap_cr3, husk_x86_ap_kernel_cr3, husk_x86_ap_stack, husk_x86_ap_entry
husk_x86_ap_cr3: .quad 0          /* boot.S's tables (below 4 GiB) */
husk_x86_ap_kernel_cr3: .quad 0   /* Paging's */
husk_x86_ap_stack: .quad 0
husk_x86_ap_entry: .quad 0
    .globl husk_x86_ap_trampoline_end
husk_x86_ap_trampoline_end:

    .text
    .globl husk_x86_ap_enter
husk_x86_ap_enter:
    movq %rbx, %cr3
    xorl %ebp, %ebp
    call husk_x86_ap_main
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
