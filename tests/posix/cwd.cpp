// chdir, fchdir, getcwd.
#include "Scenario.h"


SCENARIO(cwd, chdir_and_getcwd)
{
    s.getcwd();
    s.mkdir("a");
    s.mkdir("a/b");
    s.chdir("a/b");
    s.getcwd();
    s.put("here", "x");
    s.chdir("../..");
    s.get("a/b/here");
}

SCENARIO(cwd, chdir_errors)
{
    s.put("f", "x");
    s.chdir("f");
    s.chdir("missing");
    s.chdir("");
}

SCENARIO(cwd, fchdir)
{
    s.mkdir("d");
    int fd = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.fchdir(fd);
    s.getcwd();
    s.put("inside", "x");
    s.chdir("..");
    s.stat("d/inside");
    s.put("f", "x");
    int f = int(s.open("f", O_RDONLY));
    s.fchdir(f);
    s.fchdir(9999);
}

SCENARIO(cwd, getcwd_small_buffer_is_erange)
{
    s.mkdir("a-directory-with-a-long-name");
    s.chdir("a-directory-with-a-long-name");
    s.getcwd(5);
    s.getcwd(0);
}

SCENARIO(cwd, getcwd_after_rename_follows_directory)
{
    s.mkdir("old");
    s.chdir("old");
    s.rename("../old", "../new");
    s.getcwd();
}

SCENARIO(cwd, getcwd_of_removed_directory_is_enoent)
{
    s.mkdir("gone");
    s.chdir("gone");
    s.rmdir("../gone");
    s.getcwd();
    s.put("x", "y");
    s.chdir("..");
}

SCENARIO(cwd, dotdot_from_root_stays_at_root)
{
    // Root directories differ between the two systems: compare identity.
    auto root = s.quiet_stat("/");
    auto up = s.quiet_stat("/..");
    auto upup = s.quiet_stat("/../..");
    s.note(up.st_ino == root.st_ino && up.st_dev == root.st_dev ? "/.. is /" : "/.. is not /");
    s.note(upup.st_ino == root.st_ino && upup.st_dev == root.st_dev ? "/../.. is /" : "/../.. is not /");
    s.stat("/../dev/null");
}

SCENARIO(cwd, chdir_through_symlink)
{
    s.mkdir("real");
    s.symlink("real", "link");
    s.chdir("link");
    s.getcwd();
}
