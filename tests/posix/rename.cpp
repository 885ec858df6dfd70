// rename, renameat, renameat2.
#include "Scenario.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

SCENARIO(rename, file_to_new_name)
{
    s.put("a", "content");
    s.rename("a", "b");
    s.stat("a");
    s.get("b");
}

SCENARIO(rename, file_over_file)
{
    s.put("a", "new");
    s.put("b", "old");
    s.rename("a", "b");
    s.get("b");
    s.stat("a");
}

SCENARIO(rename, file_over_open_file_keeps_old_data_readable)
{
    s.put("a", "new");
    s.put("b", "old");
    int fd = int(s.open("b", O_RDONLY));
    s.rename("a", "b");
    s.read(fd, 10);
    s.get("b");
}

SCENARIO(rename, dir_to_new_name)
{
    s.mkdir("d");
    s.put("d/f", "x");
    s.rename("d", "e");
    s.get("e/f");
    s.stat("d");
}

SCENARIO(rename, dir_over_empty_dir)
{
    s.mkdir("d");
    s.put("d/f", "x");
    s.mkdir("e");
    s.rename("d", "e");
    s.list("e");
}

SCENARIO(rename, dir_over_nonempty_dir_is_enotempty)
{
    s.mkdir("d");
    s.mkdir("e");
    s.put("e/f", "x");
    s.rename("d", "e");
}

SCENARIO(rename, dir_over_file_is_enotdir)
{
    s.mkdir("d");
    s.put("f", "x");
    s.rename("d", "f");
}

SCENARIO(rename, file_over_dir_is_eisdir)
{
    s.mkdir("d");
    s.put("f", "x");
    s.rename("f", "d");
}

SCENARIO(rename, dir_into_own_subtree_is_einval)
{
    s.mkdir("d");
    s.mkdir("d/sub");
    s.rename("d", "d/sub/moved");
    s.rename("d", "d/moved");
}

SCENARIO(rename, ancestor_over_descendant_is_enotempty)
{
    s.mkdir("d");
    s.mkdir("d/sub");
    s.rename("d/sub", "d");
}

SCENARIO(rename, dir_across_parents_updates_dotdot_and_nlink)
{
    s.mkdir("a");
    s.mkdir("b");
    s.mkdir("a/child");
    s.stat("a");
    s.stat("b");
    s.rename("a/child", "b/child");
    s.stat("a");
    s.stat("b");
    s.chdir("b/child");
    s.stat("..");
    s.getcwd();
    s.chdir("../..");
}

SCENARIO(rename, to_itself_and_hard_link_is_noop)
{
    s.put("a", "x");
    s.rename("a", "a");
    s.link("a", "b");
    s.rename("a", "b");
    s.stat("a");
    s.stat("b");
}

SCENARIO(rename, missing_source_is_enoent)
{
    s.rename("missing", "b");
    s.mkdir("d");
    s.rename("d/missing", "d/b");
}

SCENARIO(rename, dot_and_dotdot_are_busy)
{
    s.mkdir("d");
    s.rename("d/.", "e");
    s.rename("d/..", "e");
    s.rename("d", "d/.");
}

SCENARIO(rename, noreplace)
{
    s.put("a", "1");
    s.put("b", "2");
    s.renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE);
    s.renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE);
    s.get("c");
}

SCENARIO(rename, bad_flags_are_einval)
{
    s.put("a", "1");
    s.renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0x100);
    s.renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE | RENAME_EXCHANGE);
}

SCENARIO(rename, trailing_slash_on_file_is_enotdir)
{
    s.put("a", "1");
    s.rename("a/", "b");
    s.rename("a", "b/");
    s.mkdir("d");
    s.rename("d/", "e/");
    s.stat("e");
}

SCENARIO(rename, renameat_with_dirfds)
{
    s.mkdir("src");
    s.mkdir("dst");
    s.put("src/f", "moved");
    int a = int(s.open("src", O_RDONLY | O_DIRECTORY));
    int b = int(s.open("dst", O_RDONLY | O_DIRECTORY));
    s.renameat(a, "f", b, "g");
    s.get("dst/g");
}

SCENARIO(rename, symlink_is_renamed_not_target)
{
    s.put("f", "x");
    s.symlink("f", "l");
    s.rename("l", "m");
    s.lstat("m");
    s.stat("f");
}

SCENARIO(rename, file_onto_its_own_parent_is_enotempty)
{
    s.mkdir("d");
    s.put("d/f", "x");
    s.rename("d/f", "d");
    s.mkdir("d/sub");
    s.rename("d/sub", "d");
}
