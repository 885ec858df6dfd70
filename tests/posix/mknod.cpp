// mknod: which types it makes, and the errors for the others.
#include "Scenario.h"

SCENARIO(mknod, regular_file_and_no_type)
{
    s.umask(022);
    s.mknod("f", S_IFREG | 0666);
    s.stat("f");
    s.mknod("g", 0640);
    s.stat("g");
    s.mknod("f", S_IFREG | 0644);
}

SCENARIO(mknod, directory_is_eperm)
{
    s.mknod("d", S_IFDIR | 0755);
    s.stat("d");
    s.mkdir("e");
    s.mknod("e", S_IFDIR | 0755);
}

SCENARIO(mknod, symlink_and_unknown_types_are_einval)
{
    s.mknod("l", S_IFLNK | 0777);
    s.mknod("x", 0170000 | 0644);
    s.stat("l");
}

SCENARIO(mknod, socket_name)
{
    s.mknod("sock", S_IFSOCK | 0755);
    s.stat("sock");
    s.open("sock", O_RDONLY);
    s.unlink("sock");
}

SCENARIO(mknod, trailing_slash_and_missing_parent)
{
    s.mknod("f/", S_IFREG | 0644);
    s.mknod("missing/f", S_IFREG | 0644);
    s.put("file", "x");
    s.mknod("file/f", S_IFREG | 0644);
}
