// The *at() family with directory descriptors and AT_FDCWD.
#include "Scenario.h"

SCENARIO(at, openat_relative_to_dirfd)
{
    s.mkdir("d");
    s.put("d/f", "in d");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    int fd = int(s.openat(d, "f", O_RDONLY));
    s.read(fd, 10);
    s.openat(d, "new", O_CREAT | O_WRONLY, 0600);
    s.stat("d/new");
}

SCENARIO(at, openat_absolute_ignores_dirfd)
{
    s.openat(12345, "/dev/null", O_RDONLY);
}

SCENARIO(at, openat_with_file_dirfd_is_enotdir)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.openat(fd, "x", O_RDONLY);
    s.openat(9999, "x", O_RDONLY);
}

SCENARIO(at, openat_fdcwd)
{
    s.put("f", "x");
    s.openat(AT_FDCWD, "f", O_RDONLY);
}

SCENARIO(at, mkdirat_and_unlinkat)
{
    s.mkdir("d");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.mkdirat(d, "sub", 0700);
    s.stat("d/sub");
    s.unlinkat(d, "sub", AT_REMOVEDIR);
    s.stat("d/sub");
}

SCENARIO(at, symlinkat_and_readlinkat)
{
    s.mkdir("d");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.symlinkat("target", d, "l");
    s.readlinkat(d, "l");
    s.readlink("d/l");
}

SCENARIO(at, linkat_between_dirfds)
{
    s.mkdir("a");
    s.mkdir("b");
    s.put("a/f", "x");
    int a = int(s.open("a", O_RDONLY | O_DIRECTORY));
    int b = int(s.open("b", O_RDONLY | O_DIRECTORY));
    s.linkat(a, "f", b, "g", 0);
    s.stat("b/g");
}

SCENARIO(at, fstatat_relative)
{
    s.mkdir("d");
    s.put("d/f", "12");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.fstatat(d, "f", 0);
    s.fstatat(d, "..", 0);
}

SCENARIO(at, fchmodat_and_faccessat)
{
    s.mkdir("d");
    s.put("d/f", "x");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.fchmodat(d, "f", 0600);
    s.stat("d/f");
    s.faccessat(d, "f", R_OK | W_OK, 0);
    s.faccessat(d, "f", X_OK, 0);
    s.faccessat(d, "missing", F_OK, 0);
}

SCENARIO(at, dirfd_survives_rename_of_directory)
{
    s.mkdir("d");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.rename("d", "e");
    s.openat(d, "created", O_CREAT | O_WRONLY, 0644);
    s.stat("e/created");
}

SCENARIO(at, path_fd_as_dirfd)
{
    s.mkdir("d");
    s.put("d/f", "via O_PATH");
    int d = int(s.open("d", O_PATH | O_DIRECTORY));
    int fd = int(s.openat(d, "f", O_RDONLY));
    s.read(fd, 20);
}

SCENARIO(at, unlinkat_with_dirfd)
{
    s.mkdir("d");
    s.put("d/f", "x");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.unlinkat(d, "f", 0);
    s.unlinkat(d, "f", 0);
    s.list("d");
}
