// access, chmod, chown, umask, utimensat. Scenarios run as root on both
// sides, so root's rules apply (modes are still stored and reported).
#include "Scenario.h"

SCENARIO(perms, chmod_changes_mode_bits_only)
{
    s.put("f", "x");
    s.chmod("f", 0751);
    s.stat("f");
    s.chmod("f", 07777);
    s.stat("f");
    s.chmod("f", 0100644);
    s.stat("f");
}

SCENARIO(perms, fchmod_on_open_file)
{
    int fd = int(s.open("f", O_CREAT | O_WRONLY, 0644));
    s.fchmod(fd, 0400);
    s.fstat(fd);
    s.write(fd, "still writable through the old fd");
}

SCENARIO(perms, chmod_follows_symlink)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.chmod("l", 0600);
    s.stat("f");
    s.lstat("l");
}

SCENARIO(perms, chmod_missing_is_enoent)
{
    s.chmod("missing", 0644);
    s.fchmod(4444, 0644);
}

SCENARIO(perms, access_modes)
{
    s.put("f", "x", 0644);
    s.access("f", F_OK);
    s.access("f", R_OK | W_OK);
    s.access("f", X_OK);
    s.chmod("f", 0755);
    s.access("f", X_OK);
    s.access("missing", F_OK);
    s.access("f", 8);
}

SCENARIO(perms, access_on_directory_exec)
{
    s.mkdir("d", 0);
    s.access("d", X_OK);
    s.access("d", R_OK | W_OK);
}

SCENARIO(perms, root_ignores_mode_bits)
{
    s.put("f", "secret", 0);
    s.get("f");
    s.mkdir("d", 0);
    s.put("d/inside", "ok");
    s.list("d");
}

SCENARIO(perms, faccessat_flags)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.faccessat(AT_FDCWD, "l", R_OK, AT_SYMLINK_NOFOLLOW);
    s.faccessat(AT_FDCWD, "f", R_OK, AT_EACCESS);
    s.faccessat(AT_FDCWD, "f", R_OK, 0x1);
}

SCENARIO(perms, umask_returns_previous)
{
    s.umask(0);
    s.umask(0777);
    s.umask(01777);
    s.umask(022);
}

SCENARIO(perms, chown_sets_ids)
{
    s.put("f", "x");
    s.chown("f", 1000, 1000);
    s.stat("f");
    s.chown("f", -1, 50);
    s.stat("f");
    s.chown("f", 7, -1);
    s.stat("f");
}

SCENARIO(perms, chown_clears_setuid)
{
    s.put("f", "x");
    s.chmod("f", 06755);
    s.chown("f", 1, 1);
    s.stat("f");
    s.mkdir("d");
    s.chmod("d", 02755);
    s.chown("d", 1, 1);
    s.stat("d");
}

SCENARIO(perms, lchown_and_fchown)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.lchown("l", 5, 6);
    s.lstat("l");
    s.stat("f");
    int fd = int(s.open("f", O_RDONLY));
    s.fchown(fd, 9, 9);
    s.stat("f");
}

SCENARIO(perms, utimensat_explicit_times)
{
    s.put("f", "x");
    s.utimensat(AT_FDCWD, "f", 1000, 500, 2000, 999999999, 0);
}

SCENARIO(perms, utimensat_omit_one)
{
    s.put("f", "x");
    s.utimensat(AT_FDCWD, "f", 1000, 0, 2000, 0, 0);
    s.utimensat(AT_FDCWD, "f", 3000, 0, 0, UTIME_OMIT, 0);
    s.utimensat(AT_FDCWD, "f", 0, UTIME_OMIT, 4000, 0, 0);
}

SCENARIO(perms, utimensat_invalid_nsec_is_einval)
{
    s.put("f", "x");
    s.utimensat(AT_FDCWD, "f", 0, 1000000000, 0, 0, 0);
    s.utimensat(AT_FDCWD, "f", 0, -1, 0, 0, 0);
    s.utimensat(AT_FDCWD, "f", 0, 0, 0, 0, 0x2);
}

SCENARIO(perms, utimensat_symlink_nofollow)
{
    s.put("f", "x");
    s.utimensat(AT_FDCWD, "f", 5, 0, 5, 0, 0);
    s.symlink("f", "l");
    s.utimensat(AT_FDCWD, "l", 77, 0, 88, 0, AT_SYMLINK_NOFOLLOW);
    s.stat("f");
    s.utimensat(AT_FDCWD, "f", 0, UTIME_OMIT, 0, UTIME_OMIT, 0);
}

SCENARIO(perms, utimensat_now_and_missing)
{
    s.put("f", "x");
    s.utimensat_now(AT_FDCWD, "f", 0);
    s.utimensat_now(AT_FDCWD, "missing", 0);
}

SCENARIO(perms, write_updates_mtime)
{
    s.put("f", "x");
    s.utimensat(AT_FDCWD, "f", 100, 0, 100, 0, 0);
    int fd = int(s.open("f", O_WRONLY));
    s.write(fd, "changed");
    s.fstat(fd);
    s.note(s.last_stat().st_mtim.tv_sec != 100 ? "mtime moved" : "mtime stuck");
}

SCENARIO(perms, create_in_directory_updates_its_mtime)
{
    s.mkdir("d");
    s.utimensat(AT_FDCWD, "d", 100, 0, 100, 0, 0);
    s.put("d/f", "x");
    s.stat("d");
    s.note(s.last_stat().st_mtim.tv_sec != 100 ? "dir mtime moved" : "dir mtime stuck");
}
