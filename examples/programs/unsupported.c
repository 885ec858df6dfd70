/* unsupported: what Husk cannot run answers with a clear error, and the
 * kernel log says why: programs execve cannot start (a dynamic one whose
 * interpreter is missing or itself dynamic, a 32-bit one), and a call
 * Husk will not support (kexec_load, named in the log once). The program
 * goes on. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A minimal x86-64 executable that names an interpreter, as every
 * dynamically linked program does: one loadable segment (itself) and
 * PT_INTERP naming `interpreter`. */
static int write_dynamic_program(const char *path, const char *interpreter)
{
    struct dynamic_program {
        Elf64_Ehdr header;
        Elf64_Phdr load, interp;
        char name[64];
        unsigned char code[4];
    } file;
    memset(&file, 0, sizeof file);
    memcpy(file.header.e_ident, ELFMAG, SELFMAG);
    file.header.e_ident[EI_CLASS] = ELFCLASS64;
    file.header.e_ident[EI_DATA] = ELFDATA2LSB;
    file.header.e_ident[EI_VERSION] = EV_CURRENT;
    file.header.e_type = ET_EXEC;
    file.header.e_machine = EM_X86_64;
    file.header.e_version = EV_CURRENT;
    file.header.e_entry = 0x400000 + offsetof(struct dynamic_program, code);
    file.header.e_phoff = offsetof(struct dynamic_program, load);
    file.header.e_ehsize = sizeof file.header;
    file.header.e_phentsize = sizeof file.load;
    file.header.e_phnum = 2;
    file.load.p_type = PT_LOAD;
    file.load.p_flags = PF_R | PF_X;
    file.load.p_vaddr = 0x400000;
    file.load.p_filesz = file.load.p_memsz = sizeof file;
    file.load.p_align = 0x1000;
    file.interp.p_type = PT_INTERP;
    file.interp.p_offset = offsetof(struct dynamic_program, name);
    file.interp.p_filesz = strlen(interpreter) + 1;
    strcpy(file.name, interpreter);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, &file, sizeof file) != (ssize_t)sizeof file)
        return -1;
    return close(fd);
}

/* The header of a 32-bit x86 program (nothing more is read). */
static int write_32bit_program(const char *path)
{
    Elf32_Ehdr header;
    memset(&header, 0, sizeof header);
    memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS32;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_type = ET_EXEC;
    header.e_machine = EM_386;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, &header, sizeof header) != (ssize_t)sizeof header)
        return -1;
    return close(fd);
}

static void try_exec(const char *path)
{
    char *argv[] = { (char *)path, NULL };
    execve(path, argv, argv + 1);
    printf("execve %s: errno %d (%s)\n", path, errno, strerror(errno));
}

int main(void)
{
    /* A missing interpreter (ENOENT), an interpreter that is itself
     * dynamic (ELIBBAD), a 32-bit program (ENOEXEC). */
    if (write_dynamic_program("/tmp/no-interpreter", "/lib/ld-none.so.1") != 0
        || write_dynamic_program("/tmp/dynamic-interpreter", "/tmp/no-interpreter") != 0
        || write_32bit_program("/tmp/program-32") != 0) {
        perror("unsupported: cannot write a program to /tmp");
        return 1;
    }
    try_exec("/tmp/no-interpreter");
    try_exec("/tmp/dynamic-interpreter");
    try_exec("/tmp/program-32");
    long r = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("kexec_load: %ld (%s)\n", r, strerror(errno));
    r = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("unsupported: still running\n");
    return 0;
}
