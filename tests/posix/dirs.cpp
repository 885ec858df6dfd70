// mkdir, rmdir, getdents64.
#include "Scenario.h"

SCENARIO(dirs, mkdir_and_stat)
{
    s.mkdir("d", 0750);
    s.stat("d");
}

SCENARIO(dirs, mkdir_existing_is_eexist)
{
    s.mkdir("d");
    s.mkdir("d");
    s.put("f", "x");
    s.mkdir("f");
}

SCENARIO(dirs, mkdir_missing_parent_is_enoent)
{
    s.mkdir("a/b/c");
}

SCENARIO(dirs, mkdir_under_file_is_enotdir)
{
    s.put("f", "x");
    s.mkdir("f/sub");
}

SCENARIO(dirs, mkdir_with_trailing_slash)
{
    s.mkdir("d/");
    s.mkdir("e//");
    s.stat("d");
}

SCENARIO(dirs, mkdir_dot_and_dotdot_exist)
{
    s.mkdir(".");
    s.mkdir("..");
    s.mkdir("/");
}

SCENARIO(dirs, mkdir_mode_masked_by_umask)
{
    s.umask(077);
    s.mkdir("d", 0777);
    s.stat("d");
    s.umask(022);
    s.mkdir("sticky", 01777);
    s.stat("sticky");
}

SCENARIO(dirs, rmdir_empty)
{
    s.mkdir("d");
    s.rmdir("d");
    s.stat("d");
}

SCENARIO(dirs, rmdir_non_empty_is_enotempty)
{
    s.mkdir("d");
    s.put("d/f", "x");
    s.rmdir("d");
    s.mkdir("e");
    s.mkdir("e/sub");
    s.rmdir("e");
}

SCENARIO(dirs, rmdir_file_is_enotdir)
{
    s.put("f", "x");
    s.rmdir("f");
}

SCENARIO(dirs, rmdir_missing_is_enoent)
{
    s.rmdir("missing");
}

SCENARIO(dirs, rmdir_dot_is_einval_dotdot_enotempty)
{
    s.mkdir("d");
    s.rmdir("d/.");
    s.rmdir("d/..");
    s.rmdir(".");
}

SCENARIO(dirs, rmdir_root_is_ebusy)
{
    s.rmdir("/");
}

SCENARIO(dirs, rmdir_symlink_to_dir_is_enotdir)
{
    s.mkdir("d");
    s.symlink("d", "l");
    s.rmdir("l");
}

SCENARIO(dirs, getdents_lists_everything)
{
    s.mkdir("d");
    s.put("d/a", "1");
    s.put("d/b", "2");
    s.mkdir("d/sub");
    s.symlink("a", "d/link");
    s.list("d");
}

SCENARIO(dirs, getdents_empty_dir_has_dot_entries)
{
    s.mkdir("d");
    s.list("d");
}

SCENARIO(dirs, getdents_many_entries_small_buffer)
{
    s.mkdir("d");
    for (int i = 0; i < 300; ++i)
        s.put(("d/file-with-a-longish-name-" + std::to_string(i)).c_str(), "");
    s.list("d", 512);
}

SCENARIO(dirs, getdents_buffer_too_small_is_einval)
{
    s.mkdir("d");
    int fd = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.getdents_once(fd, 8);
}

SCENARIO(dirs, getdents_on_file_is_enotdir)
{
    s.put("f", "x");
    int fd = int(s.open("f", O_RDONLY));
    s.getdents(fd);
}

SCENARIO(dirs, getdents_after_removal_during_listing)
{
    s.mkdir("d");
    for (int i = 0; i < 50; ++i)
        s.put(("d/f" + std::to_string(i)).c_str(), "");
    int fd = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.getdents_once(fd, 256);
    for (int i = 0; i < 50; i += 2)
        s.unlink(("d/f" + std::to_string(i)).c_str());
    s.lseek(fd, 0, SEEK_SET);
    s.getdents(fd);
}

SCENARIO(dirs, deep_tree)
{
    std::string path = "d0";
    s.mkdir(path.c_str());
    for (int i = 1; i < 40; ++i) {
        path += "/d" + std::to_string(i);
        s.mkdir(path.c_str());
    }
    s.put((path + "/leaf").c_str(), "deep");
    s.get((path + "/leaf").c_str());
}

SCENARIO(dirs, removed_cwd_lists_nothing)
{
    s.mkdir("d");
    int fd = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.rmdir("d");
    s.getdents(fd);
    s.fstat(fd);
}
