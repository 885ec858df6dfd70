// Path resolution edge cases.
#include <string>
#include "Scenario.h"

SCENARIO(paths, empty_path_is_enoent)
{
    s.open("", O_RDONLY);
    s.stat("");
    s.mkdir("");
    s.unlink("");
    s.rename("", "x");
}

SCENARIO(paths, repeated_slashes)
{
    s.mkdir("a");
    s.put("a/f", "x");
    s.stat("a//f");
    s.stat(".//a///f");
    s.get("a////f");
}

SCENARIO(paths, trailing_slash_on_file_is_enotdir)
{
    s.put("f", "x");
    s.stat("f/");
    s.open("f/", O_RDONLY);
    s.lstat("f/");
}

SCENARIO(paths, trailing_slash_on_dir_is_fine)
{
    s.mkdir("d");
    s.stat("d/");
    s.stat("d//");
    s.open("d/", O_RDONLY);
}

SCENARIO(paths, file_in_middle_is_enotdir)
{
    s.put("f", "x");
    s.stat("f/x");
    s.open("f/x", O_CREAT | O_WRONLY, 0644);
    s.mkdir("f/x");
}

SCENARIO(paths, dot_and_dotdot_components)
{
    s.mkdir("a");
    s.mkdir("a/b");
    s.put("a/f", "x");
    s.stat("a/b/../f");
    s.stat("./a/./b/./../f");
    s.stat("a/missing/../f");
}

SCENARIO(paths, component_too_long_is_enametoolong)
{
    std::string name(256, 'n');
    s.open(name.c_str(), O_CREAT | O_WRONLY, 0644);
    s.mkdir(name.c_str());
    std::string ok(255, 'o');
    s.open(ok.c_str(), O_CREAT | O_WRONLY, 0644);
    s.stat(ok.c_str());
}

SCENARIO(paths, path_too_long_is_enametoolong)
{
    std::string path;
    while (path.size() < 5000)
        path += "d/";
    s.stat(path.c_str());
    s.open(path.c_str(), O_RDONLY);
}

SCENARIO(paths, long_but_valid_path)
{
    std::string path = ".";
    for (int i = 0; i < 15; ++i) {
        path += "/" + std::string(200, char('a' + i));
        s.mkdir(path.c_str());
    }
    s.put((path + "/f").c_str(), "deep and long");
    s.get((path + "/f").c_str());
}

SCENARIO(paths, symlink_loop_through_directories)
{
    s.mkdir("a");
    s.symlink("../b/link", "a/link");
    s.mkdir("b");
    s.symlink("../a/link", "b/link");
    s.stat("a/link/x");
}

SCENARIO(paths, forty_symlinks_ok_forty_one_eloop)
{
    s.put("f0", "end");
    for (int i = 1; i <= 41; ++i)
        s.symlink(("f" + std::to_string(i - 1)).c_str(), ("f" + std::to_string(i)).c_str());
    s.get("f40");
    s.open("f41", O_RDONLY);
}

SCENARIO(paths, absolute_paths_through_dev)
{
    s.access("/dev", X_OK);
    s.open("/dev/", O_RDONLY | O_DIRECTORY);
    s.stat("/dev/../dev/null");
    s.stat("/dev/nonexistent");
}

SCENARIO(paths, enoent_vs_enotdir_order)
{
    s.stat("missing/x");
    s.put("f", "x");
    s.stat("f/missing/x");
}
