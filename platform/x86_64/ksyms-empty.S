/* The symbol table of the first link pass: empty (gen-ksyms fills the real
 * one in from that link, in the same section, so no code moves). */
    .section .husk_ksyms, "a"
    .balign 8
    .globl husk_ksyms_count
husk_ksyms_count: .quad 0
    .globl husk_ksyms
husk_ksyms:
    .globl husk_ksym_blocks
husk_ksym_blocks:
    .globl husk_ksym_name_index
husk_ksym_name_index:
    .globl husk_ksym_names
husk_ksym_names:
    .section .note.GNU-stack, "", @progbits
