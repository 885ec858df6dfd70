/* unsupported: what Husk does not do answers with a clear error, and the
 * kernel log says why: a dynamically linked program given to execve
 * (ENOEXEC, "is dynamically linked"), and a call Husk will not support
 * (kexec_load, named in the log once). The program goes on. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A minimal x86-64 executable that names an interpreter, as every
 * dynamically linked program does. */
static int write_dynamic_program(const char *path)
{
    struct dynamic_program {
        Elf64_Ehdr header;
        Elf64_Phdr interp;
        char name[32];
    } file;
    memset(&file, 0, sizeof file);
    memcpy(file.header.e_ident, ELFMAG, SELFMAG);
    file.header.e_ident[EI_CLASS] = ELFCLASS64;
    file.header.e_ident[EI_DATA] = ELFDATA2LSB;
    file.header.e_ident[EI_VERSION] = EV_CURRENT;
    file.header.e_type = ET_EXEC;
    file.header.e_machine = EM_X86_64;
    file.header.e_version = EV_CURRENT;
    file.header.e_entry = 0x401000;
    file.header.e_phoff = sizeof file.header;
    file.header.e_ehsize = sizeof file.header;
    file.header.e_phentsize = sizeof file.interp;
    file.header.e_phnum = 1;
    file.interp.p_type = PT_INTERP;
    file.interp.p_offset = offsetof(struct dynamic_program, name);
    file.interp.p_filesz = sizeof "/lib64/ld-linux-x86-64.so.2";
    strcpy(file.name, "/lib64/ld-linux-x86-64.so.2");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, &file, sizeof file) != (ssize_t)sizeof file)
        return -1;
    return close(fd);
}

int main(void)
{
    const char *path = "/tmp/dynamic-program";
    if (write_dynamic_program(path) != 0) {
        perror("unsupported: cannot write a program to /tmp");
        return 1;
    }
    char *argv[] = { "dynamic-program", NULL };
    execve(path, argv, argv + 1);
    printf("execve: %s\n", strerror(errno));
    long r = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("kexec_load: %ld (%s)\n", r, strerror(errno));
    r = syscall(SYS_kexec_load, 0, 0, 0, 0);
    printf("unsupported: still running\n");
    return 0;
}
