// stat, lstat, fstat, fstatat, statx: what they report.
#include "Scenario.h"

SCENARIO(stat, regular_file_fields)
{
    s.put("f", "12345", 0640);
    s.stat("f");
    s.lstat("f");
}

SCENARIO(stat, directory_fields_and_nlink)
{
    s.mkdir("d", 0711);
    s.stat("d");
    s.mkdir("d/a");
    s.mkdir("d/b");
    s.put("d/file", "x");
    s.stat("d");
    s.rmdir("d/a");
    s.stat("d");
}

SCENARIO(stat, symlink_vs_target)
{
    s.put("f", "abc");
    s.symlink("f", "l");
    s.stat("l");
    s.lstat("l");
}

SCENARIO(stat, dangling_symlink)
{
    s.symlink("missing", "l");
    s.stat("l");
    s.lstat("l");
}

SCENARIO(stat, missing_file_is_enoent)
{
    s.stat("nope");
    s.lstat("nope");
    s.stat("nodir/nope");
}

SCENARIO(stat, fstat_on_open_file_tracks_size)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0600));
    s.fstat(fd);
    s.write(fd, "grow");
    s.fstat(fd);
}

SCENARIO(stat, fstatat_nofollow)
{
    s.put("f", "abc");
    s.symlink("f", "l");
    s.fstatat(AT_FDCWD, "l", 0);
    s.fstatat(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW);
}

SCENARIO(stat, fstatat_empty_path)
{
    s.put("f", "abc");
    int fd = int(s.open("f", O_RDONLY));
    s.fstatat(fd, "", AT_EMPTY_PATH);
    s.fstatat(fd, "", 0);
    s.fstatat(AT_FDCWD, "", AT_EMPTY_PATH);
}

SCENARIO(stat, fstatat_bad_flags_is_einval)
{
    s.put("f", "x");
    s.fstatat(AT_FDCWD, "f", 0x4000000);
}

SCENARIO(stat, statx_basic)
{
    s.put("f", "hello", 0604);
    s.statx(AT_FDCWD, "f", 0);
    s.symlink("f", "l");
    s.statx(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW);
    s.statx(AT_FDCWD, "missing", 0);
}

SCENARIO(stat, statx_empty_path_on_fd)
{
    s.mkdir("d");
    int fd = int(s.open("d", O_RDONLY));
    s.statx(fd, "", AT_EMPTY_PATH);
}

SCENARIO(stat, statx_bad_sync_flags_is_einval)
{
    s.put("f", "x");
    s.statx(AT_FDCWD, "f", 0x6000);
}

SCENARIO(stat, hard_link_count)
{
    s.put("f", "x");
    s.link("f", "g");
    s.link("f", "h");
    s.stat("f");
    s.unlink("g");
    s.stat("h");
}

SCENARIO(stat, fstat_of_pipe)
{
    auto [r, w] = s.pipe2(0);
    s.fstat(r);
    s.fstat(w);
}

SCENARIO(stat, dev_null_is_char_device)
{
    s.stat("/dev/null");
    s.stat("/dev/zero");
    s.stat("/dev/urandom");
}

SCENARIO(stat, statfs_and_fstatfs)
{
    s.put("f", "x");
    s.statfs(".");
    s.statfs("f");
    s.statfs("missing");
    int fd = int(s.open("f", O_RDONLY));
    s.fstatfs(fd);
    s.fstatfs(12345);
}

SCENARIO(stat, sparse_file_blocks_less_than_size)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0644));
    s.ftruncate(fd, 1 << 20);
    s.fstat(fd);
    s.pwrite(fd, "x", 1 << 19);
    s.fstat(fd);
}

SCENARIO(stat, empty_file_has_no_blocks)
{
    s.open("f", O_CREAT | O_WRONLY, 0644);
    s.stat("f");
}
