// dup, dup2, dup3, fcntl, close, close_range, ioctl.
#include <sys/ioctl.h>
#include "Scenario.h"

SCENARIO(fds, dup_gives_lowest_free)
{
    s.put("f", "x");
    int a = int(s.open("f", O_RDONLY));
    s.open("f", O_RDONLY);
    s.close(a);
    s.dup(a + 1);
}

SCENARIO(fds, dup2_onto_open_fd_closes_it)
{
    s.put("a", "from a");
    s.put("b", "from b");
    int a = int(s.open("a", O_RDONLY));
    int b = int(s.open("b", O_RDONLY));
    s.dup2(a, b);
    s.read(b, 10);
}

SCENARIO(fds, dup2_same_fd_returns_it)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.dup2(fd, fd);
    s.dup2(fd + 50, fd + 50);
}

SCENARIO(fds, dup2_bad_target)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.dup2(fd, -1);
    s.dup2(fd, 1 << 20);
}

SCENARIO(fds, dup3_rules)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.dup3(fd, fd, 0);
    int t = int(s.dup3(fd, fd + 5, O_CLOEXEC));
    s.fcntl(t, F_GETFD);
    s.dup3(fd, fd + 6, O_NONBLOCK);
}

SCENARIO(fds, closed_fd_is_ebadf)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.close(fd);
    s.read(fd, 1);
    s.write(fd, "x");
    s.close(fd);
    s.fstat(fd);
    s.lseek(fd, 0, SEEK_SET);
    s.dup(fd);
}

SCENARIO(fds, negative_and_huge_fds_are_ebadf)
{
    s.read(-1, 1);
    s.close(-5);
    s.fstat(1 << 30);
    s.fcntl(100000, F_GETFD);
}

SCENARIO(fds, fcntl_dupfd_minimum)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.fcntl(fd, F_DUPFD, fd + 10);
    int c = int(s.fcntl(fd, F_DUPFD_CLOEXEC, fd + 10));
    s.fcntl(c, F_GETFD);
    s.fcntl(fd, F_DUPFD, -1);
}

SCENARIO(fds, fcntl_setfd_cloexec)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.fcntl(fd, F_SETFD, FD_CLOEXEC);
    s.fcntl(fd, F_GETFD);
    int d = int(s.dup(fd));
    s.fcntl(d, F_GETFD);
    s.fcntl(fd, F_SETFD, 0);
    s.fcntl(fd, F_GETFD);
}

SCENARIO(fds, fcntl_setfl_changes_only_allowed_flags)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_WRONLY | O_TRUNC);
    s.fcntl(fd, F_GETFL);
    s.fcntl(fd, F_SETFL, 0);
    s.fcntl(fd, F_GETFL);
}

SCENARIO(fds, fcntl_status_flags_shared_by_dup)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    int d = int(s.dup(fd));
    s.fcntl(fd, F_SETFL, O_NONBLOCK);
    s.fcntl(d, F_GETFL);
}

SCENARIO(fds, fcntl_unknown_command_is_einval)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.fcntl(fd, 99999);
}

SCENARIO(fds, fcntl_on_path_fd)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_PATH));
    s.fcntl(fd, F_GETFD);
    s.fcntl(fd, F_SETFL, O_NONBLOCK);
    s.fcntl(fd, F_DUPFD, 0);
}

SCENARIO(fds, close_range_closes_and_cloexec)
{
    s.put("f", "x");
    int a = int(s.open("f", O_RDONLY));
    int b = int(s.open("f", O_RDONLY));
    int c = int(s.open("f", O_RDONLY));
    s.close_range(unsigned(b), ~0u, 4 /* CLOSE_RANGE_CLOEXEC */);
    s.fcntl(c, F_GETFD);
    s.close_range(unsigned(b), unsigned(c), 0);
    s.fcntl(b, F_GETFD);
    s.fcntl(a, F_GETFD);
    s.close_range(unsigned(c + 1), unsigned(c), 0);
}

SCENARIO(fds, ioctl_fionbio_and_fioclex)
{
    auto [r, w] = s.pipe2(0);
    s.ioctl_int(r, FIONBIO, 1);
    s.fcntl(r, F_GETFL);
    s.read(r, 1);
    s.ioctl_int(r, FIOCLEX, 0);
    s.fcntl(r, F_GETFD);
    s.ioctl_int(r, FIONCLEX, 0);
    s.fcntl(r, F_GETFD);
}

SCENARIO(fds, ioctl_fionread)
{
    auto [r, w] = s.pipe2(0);
    s.write(w, "12345");
    s.fionread(r);
    s.put("f", "abcdefgh");
    int fd = int(s.open("f", O_RDONLY));
    s.read(fd, 3);
    s.fionread(fd);
}

SCENARIO(fds, ioctl_unknown_on_file_is_enotty)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.ioctl_int(fd, 0x5401 /* TCGETS */, 0);
}

// RLIMIT_NOFILE bounds every way of making a descriptor (lighttpd sizes its
// connection table by it and raises it).
SCENARIO(fds, nofile_limit_bounds_descriptors)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    int base = s.base_fd();
    s.set_nofile(base + 3);
    s.dup(fd);
    s.dup(fd);
    s.dup(fd);                      // EMFILE: fd+3 is past the soft limit
    s.open("f", O_RDONLY);          // EMFILE
    s.dup2(fd, base + 3);           // EBADF
    s.fcntl(fd, F_DUPFD, base + 3); // EINVAL
    s.pipe2(0);                     // EMFILE
    s.set_nofile(base + 10, base + 5); // EINVAL: soft above hard
    s.close(base + 2);
    s.fcntl(fd, F_DUPFD, base);     // fd+2 again
}
