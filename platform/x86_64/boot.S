/* PVH entry of a bare-metal Husk image.
 *
 * QEMU (and any PVH loader) enters husk_x86_pvh_entry in 32-bit protected
 * mode with paging off, %ebx holding the physical address of struct
 * hvm_start_info. We build just enough page tables to reach the kernel's
 * link address (identity map + top-2-GiB alias of the first GiB, 2 MiB
 * pages), enter long mode, and call husk_x86_main on the boot stack. The
 * final page tables (permissions, direct map) are built in C++ (Paging.cpp). */
#define KERNEL_VMA 0xffffffff80000000
#define PHYS(sym) ((sym) - KERNEL_VMA)

    .section .note.pvh, "a", @note
    .balign 4
    .long 4                 /* namesz */
    .long 4                 /* descsz */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long PHYS(husk_x86_pvh_entry)
    .balign 4

    .section .boot.text, "ax", @progbits
    .code32
    .globl husk_x86_pvh_entry
husk_x86_pvh_entry:
    cli
    cld
    movl %ebx, %esi                       /* start_info, kept for C++ */
    rdtsc                                 /* for the boot-time report */
    movl %eax, PHYS(husk_x86_entry_tsc)
    movl %edx, PHYS(husk_x86_entry_tsc) + 4
    /* First sign of life on the log port (QEMU's debug console at 0xe9,
     * where husk run puts the kernel's messages), before anything can fail. */
    movw $0xe9, %dx
    movb $'[', %al
    outb %al, %dx

    /* Zero the boot tables (a loader need not zero .bss); the rest of .bss
     * is zeroed once paging is on: KVM without EPT emulates instructions
     * while paging is off, and TCG runs each iteration of a rep prefix
     * through a helper, so little work happens here and in big strides. */
    movl $PHYS(boot_pml4), %edi
    movl $(3 * 4096 / 4), %ecx
    xorl %eax, %eax
    rep stosl

    /* Boot page tables: pd maps 0..1 GiB with 2 MiB pages. */
    movl $PHYS(boot_pd), %edi
    movl $0x83, %eax                      /* present | writable | 2 MiB */
    xorl %ecx, %ecx
1:  movl %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    addl $0x200000, %eax
    incl %ecx
    cmpl $512, %ecx
    jb 1b
    movl $PHYS(boot_pd) + 3, %eax
    movl %eax, PHYS(boot_pdpt_low)
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8
    movl $PHYS(boot_pdpt_low) + 3, %eax
    movl %eax, PHYS(boot_pml4)
    movl $PHYS(boot_pdpt_high) + 3, %eax
    movl %eax, PHYS(boot_pml4) + 511 * 8

    /* PAE + OSFXSR + OSXMMEXCPT, then EFER.LME + NXE, then paging. */
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4
    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax /* PG | WP | PE */
    andl $~((1 << 2) | (1 << 3)), %eax    /* no EM, no TS: SSE usable */
    movl %eax, %cr0

    lgdt PHYS(boot_gdt_ptr)
    ljmp $0x08, $PHYS(long_mode_low)

    .code64
long_mode_low:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $long_mode_high, %rax
    jmpq *%rax

long_mode_high:
    /* 64 bytes per iteration, then 8: TCG runs each iteration of rep stosq
     * as a pass through its translation block (libc.cpp's memset). */
    movabsq $husk_bss_start, %rdi
    movabsq $husk_bss_end, %rcx
    xorl %eax, %eax
    leaq -64(%rcx), %rdx
3:  cmpq %rdx, %rdi
    ja 4f
    movq %rax, (%rdi)
    movq %rax, 8(%rdi)
    movq %rax, 16(%rdi)
    movq %rax, 24(%rdi)
    movq %rax, 32(%rdi)
    movq %rax, 40(%rdi)
    movq %rax, 48(%rdi)
    movq %rax, 56(%rdi)
    addq $64, %rdi
    jmp 3b
4:  cmpq %rcx, %rdi
    jae 5f
    movq %rax, (%rdi)
    addq $8, %rdi
    jmp 4b
5:
    movabsq $husk_x86_boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl %esi, %edi                       /* zero-extends start_info */
    call husk_x86_main
2:  hlt
    jmp 2b

    .section .data
    .balign 8
    .globl husk_x86_entry_tsc
husk_x86_entry_tsc: .quad 0

    .section .rodata
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff              /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff              /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

    .section .boot.tables, "aw", @nobits
    .balign 4096
    .globl husk_x86_boot_pml4 /* application processors start on them too */
husk_x86_boot_pml4:
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_high: .skip 4096
boot_pd: .skip 4096

    .section .bss.noinit, "aw", @nobits
    .balign 4096
    /* The boot stack becomes the first kernel thread's stack. The page under
     * it is left unmapped by Paging.cpp (a guard page). */
    .globl husk_x86_boot_stack_guard
husk_x86_boot_stack_guard: .skip 4096
    .globl husk_x86_boot_stack
husk_x86_boot_stack: .skip 65536
    .globl husk_x86_boot_stack_top
husk_x86_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
