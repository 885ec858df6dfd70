// Changes to a tree that was there before (Seed.h): over an overlay it is
// the read-only lower layer, so these exercise copy-up, whiteouts and
// merged directories; Linux and the other file systems run them on the
// same tree written into the work directory.
#include "Scenario.h"

SCENARIO(overlay, read_lower_files)
{
    s.get("lower/file.txt");
    s.stat("lower/file.txt");
    s.stat("lower/exec.sh");
    s.stat("lower/empty");
    s.stat("lower/dir/sub");
    s.lstat("lower/link");
    s.readlink("lower/link");
    s.get("lower/link");
    s.get("lower/dirlink/sub/deep.txt");
    int fd = int(s.open("lower/big.txt", O_RDONLY));
    s.pread_digest(fd, 200000, 0);
    s.pread(fd, 40, 70000);
    s.close(fd);
    s.list("lower");
    s.list("lower/dir");
}

SCENARIO(overlay, write_copies_up)
{
    int fd = int(s.open("lower/file.txt", O_WRONLY | O_APPEND));
    s.write(fd, "appended\n");
    s.fstat(fd);
    s.close(fd);
    s.get("lower/file.txt");
    s.get("lower/link"); // the symlink reaches the copy
    fd = int(s.open("lower/big.txt", O_RDWR));
    s.pwrite(fd, "PATCHED", 50000);
    s.pread_digest(fd, 200000, 0);
    s.close(fd);
    s.stat("lower/big.txt");
}

SCENARIO(overlay, open_read_then_written_elsewhere)
{
    int r = int(s.open("lower/dir/a.txt", O_RDONLY));
    int w = int(s.open("lower/dir/a.txt", O_WRONLY | O_TRUNC));
    s.write(w, "new a\n");
    s.close(w);
    s.get("lower/dir/a.txt");
    s.pread(r, 100, 0);
    s.close(r);
}

SCENARIO(overlay, truncate_lower)
{
    s.truncate("lower/big.txt", 5000);
    s.stat("lower/big.txt");
    int fd = int(s.open("lower/big.txt", O_RDONLY));
    s.pread_digest(fd, 200000, 0);
    s.close(fd);
    s.truncate("lower/file.txt", 20);
    s.get("lower/file.txt");
    s.stat("lower/file.txt");
}

SCENARIO(overlay, metadata_changes_copy_up)
{
    s.chmod("lower/file.txt", 0600);
    s.stat("lower/file.txt");
    s.get("lower/file.txt");
    s.chmod("lower/dir", 0700);
    s.stat("lower/dir");
    s.get("lower/dir/a.txt");
    s.chmod("lower/dir/sub", 0755);
    s.stat("lower/dir/sub");
    s.list("lower/dir");
    s.chown("lower/exec.sh", 12, 34);
    s.stat("lower/exec.sh");
    s.utimensat(AT_FDCWD, "lower/empty", 1, 0, 2, 0, 0);
    s.stat("lower/empty");
    s.lchown("lower/link", 5, 6);
    s.lstat("lower/link");
}

SCENARIO(overlay, unlink_lower_and_recreate)
{
    int fd = int(s.open("lower/file.txt", O_RDONLY));
    s.unlink("lower/file.txt");
    s.stat("lower/file.txt");
    s.pread(fd, 100, 0); // an open file outlives its name
    s.close(fd);
    s.list("lower");
    s.get("lower/link"); // dangles now
    s.put("lower/file.txt", "second life\n");
    s.get("lower/file.txt");
    s.stat("lower/file.txt");
    s.list("lower");
    s.unlink("lower/file.txt");
    s.unlink("lower/file.txt");
    s.unlink("lower/link");
    s.lstat("lower/link");
    s.list("lower");
}

SCENARIO(overlay, rmdir_lower_and_mkdir_again)
{
    s.rmdir("lower/emptydir");
    s.stat("lower/emptydir");
    s.rmdir("lower/dir");
    s.unlink("lower/dir/a.txt");
    s.unlink("lower/dir/b.txt");
    s.rmdir("lower/dir");
    s.rmdir("lower/dir/sub");
    s.unlink("lower/dir/sub/deep.txt");
    s.list("lower/dir/sub");
    s.rmdir("lower/dir/sub");
    s.rmdir("lower/dir");
    s.list("lower");
    s.stat("lower/dirlink/a.txt");
    s.mkdir("lower/dir", 0711); // over the whiteout: empty, nothing of the old one
    s.stat("lower/dir");
    s.list("lower/dir");
    s.stat("lower/dir/a.txt");
    s.put("lower/dir/a.txt", "fresh\n");
    s.get("lower/dirlink/a.txt");
    s.mkdir("lower/emptydir");
    s.list("lower/emptydir");
    s.list("lower");
}

SCENARIO(overlay, rename_lower_files)
{
    s.rename("lower/file.txt", "lower/moved.txt");
    s.get("lower/moved.txt");
    s.stat("lower/file.txt");
    s.rename("lower/dir/a.txt", "lower/a.txt");
    s.list("lower/dir");
    s.rename("lower/exec.sh", "lower/dir/b.txt"); // replaces a lower file
    s.get("lower/dir/b.txt");
    s.stat("lower/dir/b.txt");
    s.rename("lower/link", "lower/dir/link");
    s.readlink("lower/dir/link");
    s.rename("lower/empty", "lower/emptydir"); // a file over a directory
    s.mkdir("lower/new");
    s.put("lower/new/x", "x");
    s.rename("lower/new", "lower/emptydir"); // a new directory replaces an empty lower one
    s.list("lower/emptydir");
    s.rename("lower/moved.txt", "lower/file.txt"); // back over its own whiteout
    s.get("lower/file.txt");
    s.list("lower");
}

SCENARIO(overlay, hard_link_lower_file)
{
    s.link("lower/file.txt", "lower/hard");
    s.stat("lower/file.txt");
    s.stat("lower/hard");
    int fd = int(s.open("lower/hard", O_WRONLY | O_APPEND));
    s.write(fd, "through the link\n");
    s.close(fd);
    s.get("lower/file.txt");
    s.link("lower/dir/a.txt", "lower/dir/sub/a-link");
    s.unlink("lower/dir/a.txt");
    s.stat("lower/dir/sub/a-link");
    s.get("lower/dir/sub/a-link");
    s.link("lower/dir", "lower/dir2");
}

SCENARIO(overlay, readdir_merges_layers)
{
    s.put("lower/dir/c.txt", "c\n");
    s.mkdir("lower/dir/newdir");
    s.symlink("a.txt", "lower/dir/newlink");
    s.list("lower/dir");
    s.list("lower/dir", 64); // a small buffer: several getdents64 calls across both layers
    s.unlink("lower/dir/b.txt");
    s.list("lower/dir", 64);
    s.stat("lower/dir"); // link count: sub and newdir
    s.put("lower/dir/sub/more", "m");
    s.list("lower/dir/sub");
    s.stat("lower");
}

SCENARIO(overlay, cwd_inside_lower)
{
    s.chdir("lower/dir/sub");
    s.getcwd();
    s.put("here", "h");
    s.getcwd();
    s.chdir("../../emptydir");
    s.getcwd();
    s.chdir("..");
    s.list(".");
}

SCENARIO(overlay, statfs_and_exclusive_create)
{
    s.statfs("lower");
    s.statfs("lower/file.txt");
    s.open("lower/file.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
    s.mkdir("lower/dir");
    s.symlink("x", "lower/empty");
    s.access("lower/exec.sh", X_OK);
    s.access("lower/file.txt", W_OK);
}
