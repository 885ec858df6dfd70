// Bad pointers, bad flags, out-of-range numbers: an errno, never a crash.
#include <cstring>
#include <sys/mman.h>
#include <time.h>
#include "Scenario.h"

namespace {
// An address that is certainly unmapped: 2 MiB of PROT_NONE pages of the
// test process, room for the largest buffer a scenario passes.
long unmapped()
{
    static void* region = mmap(nullptr, 2 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return long(region);
}

// 64 KiB of writable memory (holding 'h') followed by 2 MiB of unmapped
// pages: a transfer through it succeeds up to the bad page (on Linux).
long half_mapped()
{
    static char* region = [] {
        auto* p = static_cast<char*>(mmap(nullptr, (64 << 10) + (2 << 20), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        mprotect(p, 64 << 10, PROT_READ | PROT_WRITE);
        memset(p, 'h', 64 << 10);
        return p;
    }();
    return long(region);
}
} // namespace

SCENARIO(badinput, null_path_pointers)
{
    s.raw("open(NULL)", SYS_open, 0, O_RDONLY);
    s.raw("stat(NULL, buf)", SYS_stat, 0, unmapped());
    s.raw("mkdir(NULL)", SYS_mkdir, 0, 0755);
    s.raw("rename(NULL, NULL)", SYS_rename, 0, 0);
    s.raw("chdir(NULL)", SYS_chdir, 0);
}

SCENARIO(badinput, unmapped_path_pointer)
{
    s.raw("open(unmapped)", SYS_open, unmapped(), O_RDONLY);
    s.raw("unlink(unmapped)", SYS_unlink, unmapped());
    s.raw("symlink(unmapped, unmapped)", SYS_symlink, unmapped(), unmapped());
}

SCENARIO(badinput, unmapped_buffers)
{
    s.put("f", "data");
    int fd = int(s.open("f", O_RDWR));
    s.raw("read(fd, unmapped)", SYS_read, fd, unmapped(), 4);
    s.raw("write(fd, unmapped)", SYS_write, fd, unmapped(), 4);
    s.raw("pread(fd, 1)", SYS_pread64, fd, 1, 4, 0);
    s.raw("fstat(fd, unmapped)", SYS_fstat, fd, unmapped());
    s.raw("stat(f, 8)", SYS_stat, long("f"), 8);
    s.get("f");
}

SCENARIO(badinput, unmapped_iovec_array)
{
    s.put("f", "data");
    int fd = int(s.open("f", O_RDONLY));
    s.raw("readv(fd, unmapped, 1)", SYS_readv, fd, unmapped(), 1);
    s.raw("readv(fd, NULL, -1)", SYS_readv, fd, 0, -1);
    s.raw("readv(fd, NULL, 1025)", SYS_readv, fd, 0, 1025);
}

SCENARIO(badinput, bad_pipe_and_poll_pointers)
{
    s.raw("pipe2(unmapped)", SYS_pipe2, unmapped(), 0);
    s.raw("poll(unmapped, 1)", SYS_poll, unmapped(), 1, 0);
    s.raw("poll(NULL, 0)", SYS_poll, 0, 0, 0);
}

SCENARIO(badinput, bad_getcwd_and_readlink_buffers)
{
    s.raw("getcwd(unmapped, 100)", SYS_getcwd, unmapped(), 100);
    s.symlink("t", "l");
    s.raw("readlink(l, unmapped, 10)", SYS_readlink, long("l"), unmapped(), 10);
}

SCENARIO(badinput, bad_dirent_buffer)
{
    s.mkdir("d");
    int fd = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.raw("getdents64(fd, unmapped, 4096)", SYS_getdents64, fd, unmapped(), 4096);
}

SCENARIO(badinput, bad_open_flags)
{
    s.put("f", "x");
    s.open("f", O_WRONLY | O_RDWR);
    s.open("f", O_RDONLY | 0x80000000);
}

SCENARIO(badinput, bad_at_flags)
{
    s.put("f", "x");
    s.unlinkat(AT_FDCWD, "f", 0x8000);
    s.fstatat(AT_FDCWD, "f", 0x1);
    s.faccessat(AT_FDCWD, "f", F_OK, 0x4000);
}

SCENARIO(badinput, bad_dirfd_values)
{
    s.openat(-2, "f", O_RDONLY);
    s.openat(1 << 30, "f", O_RDONLY);
    s.mkdirat(-50, "d", 0755);
}

SCENARIO(badinput, bad_utimensat_pointer)
{
    s.put("f", "x");
    s.raw("utimensat(f, unmapped)", SYS_utimensat, AT_FDCWD, long("f"), unmapped(), 0);
    s.raw("utimensat(AT_FDCWD, NULL)", SYS_utimensat, AT_FDCWD, 0, 0, 0);
}

SCENARIO(badinput, unknown_syscall_number)
{
    s.raw("syscall(100000)", 100000);
    s.raw("syscall(-1)", -1);
}

SCENARIO(badinput, bad_clock_and_sleep_arguments)
{
    s.raw("clock_gettime(99)", SYS_clock_gettime, 99, unmapped());
    s.raw("clock_gettime(MONOTONIC, unmapped)", SYS_clock_gettime, CLOCK_MONOTONIC, unmapped());
    struct timespec bad { 0, 2000000000 };
    s.raw("nanosleep({0, 2e9})", SYS_nanosleep, long(&bad), 0);
    struct timespec neg { -1, 0 };
    s.raw("nanosleep({-1, 0})", SYS_nanosleep, long(&neg), 0);
}

SCENARIO(badinput, unmapped_buffer_for_a_large_read)
{
    s.put("f", std::string(1 << 20, 'x'));
    int fd = int(s.open("f", O_RDONLY));
    s.raw("read(fd, unmapped, 1 MiB)", SYS_read, fd, unmapped(), 1 << 20);
    s.raw("pread(fd, unmapped, 1 MiB, 4096)", SYS_pread64, fd, unmapped(), 1 << 20, 4096);
    s.raw("pread(fd, 64 KiB then unmapped, 1 MiB, 0)", SYS_pread64, fd, half_mapped(), 1 << 20, 0);
    s.lseek(fd, 0, SEEK_CUR);
    s.pread_digest(fd, 1 << 20, 0);
}

// A large write from a bad buffer writes up to the bad page, and the blocks
// it allocated must not show what a deleted file left on them.
SCENARIO(badinput, unmapped_buffer_for_a_large_write)
{
    s.put("old", std::string(2 << 20, 'x'));
    s.raw("sync()", SYS_sync);
    s.unlink("old");
    s.raw("sync()", SYS_sync);
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0644));
    s.raw("write(fd, unmapped, 1 MiB)", SYS_write, fd, unmapped(), 1 << 20);
    s.raw("write(fd, 64 KiB then unmapped, 1 MiB)", SYS_write, fd, half_mapped(), 1 << 20);
    s.raw("pwrite(fd, 64 KiB then unmapped, 1 MiB, 1 MiB)", SYS_pwrite64, fd, half_mapped(), 1 << 20, 1 << 20);
    s.lseek(fd, 0, SEEK_END); // the size (a stat's block count depends on the file system)
    s.ftruncate(fd, 3 << 20);
    s.pread_digest(fd, 3 << 20, 0);
    s.close(fd);
}
