// link, symlink, readlink, unlink.
#include "Scenario.h"

SCENARIO(links, hard_link_shares_data)
{
    s.put("a", "shared");
    s.link("a", "b");
    int fd = int(s.open("b", O_WRONLY | O_APPEND));
    s.write(fd, "+more");
    s.get("a");
}

SCENARIO(links, link_to_existing_is_eexist)
{
    s.put("a", "1");
    s.put("b", "2");
    s.link("a", "b");
}

SCENARIO(links, link_directory_is_eperm)
{
    s.mkdir("d");
    s.link("d", "e");
}

SCENARIO(links, link_missing_source_is_enoent)
{
    s.link("missing", "b");
}

SCENARIO(links, link_trailing_slash_target)
{
    s.put("a", "1");
    s.link("a", "b/");
}

SCENARIO(links, linkat_follow_flag)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.linkat(AT_FDCWD, "l", AT_FDCWD, "nofollow", 0);
    s.linkat(AT_FDCWD, "l", AT_FDCWD, "follow", AT_SYMLINK_FOLLOW);
    s.lstat("nofollow");
    s.lstat("follow");
    s.linkat(AT_FDCWD, "f", AT_FDCWD, "bad", 0x8);
}

SCENARIO(links, symlink_and_readlink)
{
    s.symlink("some/target/path", "l");
    s.readlink("l");
    s.readlink("l", 4);
    s.lstat("l");
}

SCENARIO(links, readlink_on_file_is_einval)
{
    s.put("f", "x");
    s.readlink("f");
    s.readlink("missing");
    s.readlink("f", 0);
}

SCENARIO(links, symlink_existing_is_eexist)
{
    s.put("f", "x");
    s.symlink("anything", "f");
    s.symlink("", "e");
}

SCENARIO(links, relative_symlink_resolves_from_its_directory)
{
    s.mkdir("d");
    s.put("d/target", "found");
    s.symlink("target", "d/l");
    s.get("d/l");
    s.symlink("d/target", "top");
    s.get("top");
}

SCENARIO(links, absolute_symlink_to_device)
{
    s.symlink("/dev/null", "devnull");
    s.stat("devnull");
    int fd = int(s.open("devnull", O_WRONLY));
    s.write(fd, "gone");
}

SCENARIO(links, symlink_chain)
{
    s.put("f", "end");
    s.symlink("f", "l1");
    s.symlink("l1", "l2");
    s.symlink("l2", "l3");
    s.get("l3");
}

SCENARIO(links, symlink_loop_is_eloop)
{
    s.symlink("b", "a");
    s.symlink("a", "b");
    s.open("a", O_RDONLY);
    s.stat("a");
    s.lstat("a");
    s.symlink("self", "self");
    s.stat("self/x");
}

SCENARIO(links, symlink_to_dir_in_middle_of_path)
{
    s.mkdir("real");
    s.put("real/f", "via link");
    s.symlink("real", "alias");
    s.get("alias/f");
    s.mkdir("alias/sub");
    s.stat("real/sub");
}

SCENARIO(links, symlink_dir_with_trailing_slash_follows)
{
    s.mkdir("real");
    s.symlink("real", "alias");
    s.lstat("alias");
    s.lstat("alias/");
}

SCENARIO(links, unlink_file)
{
    s.put("f", "x");
    s.unlink("f");
    s.stat("f");
    s.unlink("f");
}

SCENARIO(links, unlink_directory_is_eisdir)
{
    s.mkdir("d");
    s.unlink("d");
    s.unlink(".");
}

SCENARIO(links, unlink_symlink_keeps_target)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.unlink("l");
    s.stat("f");
}

SCENARIO(links, unlink_trailing_slash_on_file)
{
    s.put("f", "x");
    s.unlink("f/");
    s.unlink("missing/");
}

SCENARIO(links, unlinkat_removedir)
{
    s.mkdir("d");
    s.put("f", "x");
    s.unlinkat(AT_FDCWD, "d", AT_REMOVEDIR);
    s.unlinkat(AT_FDCWD, "f", AT_REMOVEDIR);
    s.unlinkat(AT_FDCWD, "f", 0);
    s.unlinkat(AT_FDCWD, "f", 0x1);
}

SCENARIO(links, new_name_is_checked_before_directory_rule)
{
    s.mkdir("d");
    s.link("d", "missing-parent/x");
    s.link("d", "d");
    s.put("f", "x");
    s.link("d", "f");
}
