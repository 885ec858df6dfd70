/* The vDSO (vdso/vdso.so, built at build time), page aligned: the kernel
 * maps these bytes into every program (husk_plat_vdso). */
    .section .rodata.husk_vdso, "a"
    .balign 4096
    .globl husk_x86_vdso_start
husk_x86_vdso_start:
    .incbin HUSK_VDSO_SO
    .globl husk_x86_vdso_end
husk_x86_vdso_end:
    .section .note.GNU-stack, "", @progbits
