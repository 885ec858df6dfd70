/* memfd: memfd_create's anonymous files — read and write, size, mode,
 * MFD_CLOEXEC, the name /proc/self/fd shows, sharing across fork, and the
 * errors (flags, name length, a bad pointer). */
#include "proctest.h"
#include <sys/syscall.h>

static int mfd(const char* name, unsigned flags) { return (int)syscall(SYS_memfd_create, name, flags); }

int main(int argc, char** argv)
{
    pt_start("memfd", argc, argv);
    int fd = mfd("test", 0);
    expect_yes("memfd_create", fd >= 0);
    expect_long("write", write(fd, "hello memfd", 11), 11);
    struct stat st;
    must(fstat(fd, &st) == 0, "fstat");
    expect_long("size", (long)st.st_size, 11);
    expect_long("mode", st.st_mode & 07777, 0777);
    expect_yes("regular", S_ISREG(st.st_mode));
    expect_long("fd flags", fcntl(fd, F_GETFD), 0);
    expect_long("status flags", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    char buf[64] = "";
    expect_long("pread", pread(fd, buf, sizeof buf, 6), 5);
    expect_str("data", buf, "memfd");
    char link[64], target[128] = "";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    long n = readlink(link, target, sizeof target - 1);
    if (n > 0)
        target[n] = 0;
    expect_str("its name", target, "/memfd:test (deleted)");
    expect_outcome("ftruncate", ftruncate(fd, 4096), "ok");
    must(fstat(fd, &st) == 0, "fstat");
    expect_long("size after ftruncate", (long)st.st_size, 4096);

    pid_t pid = pt_fork();
    if (pid == 0) {
        _exit(pwrite(fd, "child", 5, 100) == 5 ? 0 : 1);
    }
    expect_str("the child", status_text(pt_wait(pid)), "exited 0");
    memset(buf, 0, sizeof buf);
    expect_long("pread what the child wrote", pread(fd, buf, 5, 100), 5);
    expect_str("shared data", buf, "child");
    close(fd);

    int c = mfd("closing", 1 /* MFD_CLOEXEC */);
    expect_long("MFD_CLOEXEC: fd flags", fcntl(c, F_GETFD), FD_CLOEXEC);
    close(c);
    int s = mfd("", 2 /* MFD_ALLOW_SEALING */);
    expect_yes("MFD_ALLOW_SEALING, empty name", s >= 0);
    close(s);

    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[249] = 0;
    int ok = mfd(longname, 0);
    expect_yes("249-byte name", ok >= 0);
    close(ok);
    longname[249] = 'n';
    longname[250] = 0;
    expect_outcome("250-byte name", mfd(longname, 0), "EINVAL");
    expect_outcome("unknown flag", mfd("x", 0x100), "EINVAL");
    expect_outcome("bad name pointer", mfd((const char*)8, 0), "EFAULT");
    return pt_finish();
}
