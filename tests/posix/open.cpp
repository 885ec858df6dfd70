// open/openat/creat flags and their errors.
#include "Scenario.h"

SCENARIO(open, creat_new_file)
{
    s.open("f", O_CREAT | O_WRONLY, 0640);
    s.stat("f");
}

SCENARIO(open, creat_excl_on_existing)
{
    s.put("f", "x");
    s.open("f", O_CREAT | O_EXCL | O_WRONLY, 0644);
}

SCENARIO(open, creat_excl_on_symlink_is_eexist)
{
    s.symlink("nowhere", "l");
    s.open("l", O_CREAT | O_EXCL | O_WRONLY, 0644);
    s.lstat("nowhere");
}

SCENARIO(open, creat_through_dangling_symlink_creates_target)
{
    s.symlink("target", "l");
    s.open("l", O_CREAT | O_WRONLY, 0600);
    s.stat("target");
}

SCENARIO(open, missing_without_creat)
{
    s.open("nope", O_RDONLY);
    s.open("nope", O_WRONLY);
}

SCENARIO(open, missing_parent_with_creat)
{
    s.open("nodir/f", O_CREAT | O_WRONLY, 0644);
}

SCENARIO(open, trunc_empties_file)
{
    s.put("f", "hello world");
    int fd = int(s.open("f", O_WRONLY | O_TRUNC));
    s.fstat(fd);
    s.close(fd);
    s.get("f");
}

SCENARIO(open, rdonly_trunc_truncates)
{
    s.put("f", "data");
    s.open("f", O_RDONLY | O_TRUNC);
    s.stat("f");
}

SCENARIO(open, append_writes_at_end)
{
    s.put("f", "abc");
    int fd = int(s.open("f", O_WRONLY | O_APPEND));
    s.lseek(fd, 0, SEEK_SET);
    s.write(fd, "XYZ");
    s.lseek(fd, 0, SEEK_CUR);
    s.close(fd);
    s.get("f");
}

SCENARIO(open, append_ignores_pwrite_offset_rules)
{
    s.put("f", "12345");
    int fd = int(s.open("f", O_RDWR | O_APPEND));
    s.pwrite(fd, "ab", 1);
    s.close(fd);
    s.get("f");
}

SCENARIO(open, directory_flag_on_file)
{
    s.put("f", "x");
    s.open("f", O_RDONLY | O_DIRECTORY);
}

SCENARIO(open, directory_flag_on_dir)
{
    s.mkdir("d");
    s.open("d", O_RDONLY | O_DIRECTORY);
}

SCENARIO(open, dir_for_writing_is_eisdir)
{
    s.mkdir("d");
    s.open("d", O_WRONLY);
    s.open("d", O_RDWR);
    s.open("d", O_RDONLY | O_TRUNC);
}

SCENARIO(open, creat_on_existing_dir_is_eisdir)
{
    s.mkdir("d");
    s.open("d", O_CREAT | O_RDONLY, 0644);
}

SCENARIO(open, nofollow_on_symlink_is_eloop)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.open("l", O_RDONLY | O_NOFOLLOW);
    s.open("f", O_RDONLY | O_NOFOLLOW);
}

SCENARIO(open, nofollow_only_applies_to_last_component)
{
    s.mkdir("d");
    s.put("d/f", "x");
    s.symlink("d", "ld");
    s.open("ld/f", O_RDONLY | O_NOFOLLOW);
}

SCENARIO(open, path_flag_gives_limited_fd)
{
    s.put("f", "content");
    int fd = int(s.open("f", O_PATH));
    s.read(fd, 4);
    s.write(fd, "x");
    s.fstat(fd);
    s.fcntl(fd, F_GETFL);
    s.close(fd);
}

SCENARIO(open, path_flag_on_symlink_with_nofollow)
{
    s.symlink("whatever", "l");
    int fd = int(s.open("l", O_PATH | O_NOFOLLOW));
    s.fstat(fd);
}

SCENARIO(open, creat_mode_masked_by_umask)
{
    s.umask(027);
    s.open("f", O_CREAT | O_WRONLY, 0777);
    s.stat("f");
    s.umask(022);
}

SCENARIO(open, creat_with_trailing_slash_is_eisdir)
{
    s.open("newfile/", O_CREAT | O_WRONLY, 0644);
}

SCENARIO(open, creat_call_truncates_and_is_write_only)
{
    s.put("f", "old contents");
    int fd = int(s.creat("f", 0644));
    s.read(fd, 4);
    s.write(fd, "new");
    s.close(fd);
    s.get("f");
}

SCENARIO(open, write_only_fd_cannot_read)
{
    int fd = int(s.open("f", O_CREAT | O_WRONLY, 0644));
    s.read(fd, 1);
}

SCENARIO(open, read_only_fd_cannot_write)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.write(fd, "y");
}

SCENARIO(open, lowest_free_descriptor_is_used)
{
    s.put("f", "x");
    int a = int(s.open("f", O_RDONLY));
    int b = int(s.open("f", O_RDONLY));
    s.open("f", O_RDONLY);
    s.close(a);
    s.open("f", O_RDONLY);
    s.close(b);
    s.open("f", O_RDONLY);
}

SCENARIO(open, getfl_reports_access_mode_and_flags)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR | O_APPEND | O_NONBLOCK, 0644));
    s.fcntl(fd, F_GETFL);
    int r = int(s.open("f", O_RDONLY));
    s.fcntl(r, F_GETFL);
}

SCENARIO(open, cloexec_flag_sets_fd_flag)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR | O_CLOEXEC, 0644));
    s.fcntl(fd, F_GETFD);
    int g = int(s.open("f", O_RDONLY));
    s.fcntl(g, F_GETFD);
}

SCENARIO(open, dev_null_and_zero)
{
    int n = int(s.open("/dev/null", O_RDWR));
    s.write(n, "discarded");
    s.read(n, 10);
    int z = int(s.open("/dev/zero", O_RDONLY));
    s.read(z, 5);
    s.fstat(z);
}

SCENARIO(open, dev_full_write_is_enospc)
{
    int fd = int(s.open("/dev/full", O_WRONLY));
    s.write(fd, "x");
}

SCENARIO(open, opens_dot_and_dotdot)
{
    s.mkdir("d");
    s.open(".", O_RDONLY);
    s.open("d/..", O_RDONLY | O_DIRECTORY);
}

SCENARIO(open, unknown_flag_bits_are_ignored)
{
    s.put("f", "x");
    // Bits open(2) does not know, and the open-time-only flags, are not kept
    // as the description's status flags.
    int fd = int(s.open("f", int(O_RDWR | O_TRUNC | O_NOCTTY | 0x40000000 | 0x80000000)));
    s.fcntl(fd, F_GETFL);
    s.fcntl(fd, F_SETFL, long(0xfffffffful));
    s.fcntl(fd, F_GETFL);
    s.close(fd);
}
