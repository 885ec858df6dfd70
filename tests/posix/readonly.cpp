// Reading a tree that was there before (Seed.h), without changing it: the
// subset of the scenarios a read-only file system can run. Every file
// system runs the `readonly` family; the ISO 9660 variants (an image of the
// seed made by genisoimage or xorriso) run it and the `erofs` family, whose
// changes a read-only file system refuses — there Linux runs them in a
// read-only bind mount of the seed, so its answers (EROFS, and which
// errors come before it) are the oracle's.
#include "Scenario.h"

SCENARIO(readonly, stat_every_kind)
{
    s.stat(".");
    s.stat("lower");
    s.stat("lower/file.txt");
    s.stat("lower/exec.sh");
    s.stat("lower/empty");
    s.stat("lower/big.txt");
    s.stat("lower/dir/sub");
    s.stat("lower/emptydir");
    s.stat("lower/link");
    s.lstat("lower/link");
    s.lstat("lower/dirlink");
    s.stat("lower/dirlink/sub/deep.txt");
    s.statx(AT_FDCWD, "lower/dir/b.txt", 0);
    s.statx(AT_FDCWD, "lower/link", AT_SYMLINK_NOFOLLOW);
    s.fstatat(AT_FDCWD, "lower/dirlink", AT_SYMLINK_NOFOLLOW);
    s.stat("lower/missing");
    s.stat("lower/file.txt/below");
    s.stat("lower/dir/sub/../a.txt");
    s.stat("lower/dirlink/../file.txt");
    s.statfs("lower");
}

SCENARIO(readonly, readdir_every_directory)
{
    s.list(".");
    s.list("lower");
    s.list("lower/dir");
    s.list("lower/dir/sub");
    s.list("lower/emptydir");
    s.list("lower/dirlink");
    s.list("lower/dir", 64); // one entry per call
    int fd = int(s.open("lower/dir", O_RDONLY | O_DIRECTORY));
    s.getdents_once(fd, 4096);
    s.lseek(fd, 0, SEEK_SET); // rewinddir
    s.getdents(fd);
    s.close(fd);
    fd = int(s.open("lower/file.txt", O_RDONLY));
    s.getdents(fd); // ENOTDIR
    s.close(fd);
}

SCENARIO(readonly, read_files)
{
    s.get("lower/file.txt");
    s.get("lower/exec.sh");
    s.get("lower/empty");
    s.get("lower/link");
    s.get("lower/dir/b.txt");
    s.get("lower/dirlink/sub/deep.txt");
    int fd = int(s.open("lower/big.txt", O_RDONLY));
    s.read(fd, 30);
    s.read(fd, 30);
    s.pread_digest(fd, 200000, 0);
    s.readv(fd, { 10, 0, 25 });
    s.close(fd);
    fd = int(s.open("lower/dir", O_RDONLY));
    s.read(fd, 10); // EISDIR
    s.close(fd);
}

SCENARIO(readonly, pread_at_edges)
{
    int fd = int(s.open("lower/big.txt", O_RDONLY));
    long size = s.lseek(fd, 0, SEEK_END);
    s.pread(fd, 40, 0);
    s.pread(fd, 40, 2047);  // across the first 2 KiB sector
    s.pread(fd, 40, 4090);  // across a page
    s.pread(fd, 100, size - 30);
    s.pread(fd, 10, size);
    s.pread(fd, 10, size + 5000);
    s.pread(fd, 10, -1);    // EINVAL
    s.pread_digest(fd, 65536, 1000);
    s.close(fd);
    fd = int(s.open("lower/empty", O_RDONLY));
    s.pread(fd, 10, 0);
    s.close(fd);
}

SCENARIO(readonly, lseek_whences)
{
    int fd = int(s.open("lower/big.txt", O_RDONLY));
    s.lseek(fd, 100, SEEK_SET);
    s.read(fd, 20);
    s.lseek(fd, 0, SEEK_CUR);
    s.lseek(fd, -50, SEEK_CUR);
    s.read(fd, 20);
    s.lseek(fd, -10, SEEK_END);
    s.read(fd, 100);
    s.read(fd, 100); // end of file
    s.lseek(fd, 1000000, SEEK_SET);
    s.read(fd, 10);
    s.lseek(fd, -1, SEEK_SET); // EINVAL
    s.lseek(fd, 0, SEEK_DATA);
    s.lseek(fd, 0, SEEK_HOLE);
    s.lseek(fd, 0, 99);        // EINVAL
    s.close(fd);
    fd = int(s.open("lower/empty", O_RDONLY));
    s.lseek(fd, 0, SEEK_END);
    s.lseek(fd, 0, SEEK_DATA); // ENXIO
    s.close(fd);
}

SCENARIO(readonly, readlink_sizes)
{
    s.readlink("lower/link");
    s.readlink("lower/dirlink");
    s.readlink("lower/link", 4);   // truncated, no terminator
    s.readlink("lower/link", 1);
    s.readlink("lower/file.txt");  // EINVAL
    s.readlink("lower/missing");   // ENOENT
    s.readlinkat(AT_FDCWD, "lower/dirlink");
    int dir = int(s.open("lower", O_RDONLY | O_DIRECTORY));
    s.readlinkat(dir, "link");
    s.close(dir);
}

SCENARIO(readonly, open_flags_on_existing)
{
    auto open_close = [&](const char* path, int flags) {
        long fd = s.open(path, flags);
        if (fd >= 0) {
            s.fcntl(int(fd), F_GETFL);
            s.close(int(fd));
        }
    };
    open_close("lower/file.txt", O_RDONLY);
    open_close("lower/file.txt", O_RDONLY | O_CLOEXEC | O_NOATIME);
    open_close("lower/file.txt", O_RDONLY | O_NONBLOCK);
    open_close("lower/file.txt", O_RDONLY | O_DIRECTORY);   // ENOTDIR
    open_close("lower/dir", O_RDONLY | O_DIRECTORY);
    open_close("lower/dir", O_RDONLY);
    open_close("lower/dirlink", O_RDONLY | O_DIRECTORY);
    open_close("lower/link", O_RDONLY | O_NOFOLLOW);       // ELOOP
    open_close("lower/link", O_PATH | O_NOFOLLOW);
    open_close("lower/dir", O_PATH);
    open_close("lower/missing", O_RDONLY);                  // ENOENT
    open_close("lower/file.txt/x", O_RDONLY);               // ENOTDIR
    open_close("lower/link/", O_RDONLY);                    // ENOTDIR
    long fd = s.open("lower/link", O_PATH | O_NOFOLLOW);
    s.fstat(int(fd));
    s.read(int(fd), 5);                                     // EBADF
    s.close(int(fd));
    int dir = int(s.open("lower/dir", O_RDONLY | O_DIRECTORY));
    fd = s.openat(dir, "sub/deep.txt", O_RDONLY);
    s.read(int(fd), 100);
    s.close(int(fd));
    s.openat(dir, "../file.txt", O_RDONLY | O_CLOEXEC);
    s.fchdir(dir);
    s.getcwd();
    s.get("a.txt");
    s.chdir("../..");
    s.close(dir);
}

SCENARIO(readonly, access_modes)
{
    s.access("lower/file.txt", F_OK);
    s.access("lower/file.txt", R_OK);
    s.access("lower/exec.sh", X_OK);
    s.access("lower/file.txt", X_OK); // EACCES even for root: no x bit
    s.access("lower/dir", X_OK);
    s.access("lower/missing", F_OK);
    s.faccessat(AT_FDCWD, "lower/link", R_OK, 0);
}

// ---- Changes, refused by a read-only file system (ISO 9660 only).

SCENARIO(erofs, open_for_writing)
{
    s.open("lower/file.txt", O_WRONLY);
    s.open("lower/file.txt", O_RDWR);
    s.open("lower/file.txt", O_WRONLY | O_APPEND);
    s.open("lower/file.txt", O_RDONLY | O_TRUNC);
    s.open("lower/empty", O_WRONLY | O_TRUNC);
    s.open("lower/dir", O_WRONLY);                   // EISDIR
    s.open("lower/dir", O_RDWR | O_DIRECTORY);       // EISDIR
    s.open("lower/link", O_RDWR);
    // O_CREAT of an existing file opens it; a new name is EROFS.
    long fd = s.open("lower/file.txt", O_RDONLY | O_CREAT, 0644);
    s.read(int(fd), 100);
    s.close(int(fd));
    s.open("lower/file.txt", O_RDONLY | O_CREAT | O_EXCL, 0644); // EEXIST
    s.open("lower/new.txt", O_RDONLY | O_CREAT, 0644);
    s.open("lower/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    s.creat("lower/new.txt", 0644);
    s.open("lower/missing/new.txt", O_WRONLY | O_CREAT, 0644); // ENOENT
    s.stat("lower/new.txt");
}

SCENARIO(erofs, change_names)
{
    s.mkdir("lower/newdir");
    s.mkdir("lower/dir");        // EEXIST before EROFS
    s.rmdir("lower/emptydir");
    s.rmdir("lower/missing");
    s.unlink("lower/file.txt");
    s.unlink("lower/missing");
    s.rename("lower/file.txt", "lower/moved.txt");
    s.rename("lower/missing", "lower/moved.txt");
    s.link("lower/file.txt", "lower/hard");
    s.link("lower/file.txt", "lower/exec.sh");
    s.symlink("file.txt", "lower/newlink");
    s.symlink("file.txt", "lower/link");  // EEXIST
    s.mknod("lower/fifo", S_IFIFO | 0644);
    s.list("lower");
}

SCENARIO(erofs, change_metadata)
{
    s.chmod("lower/file.txt", 0600);
    s.chown("lower/file.txt", 0, 0);
    s.lchown("lower/link", 0, 0);
    s.utimensat_now(AT_FDCWD, "lower/file.txt", 0);
    s.utimensat(AT_FDCWD, "lower/file.txt", 1, 0, 2, 0, 0);
    s.truncate("lower/file.txt", 0);
    s.truncate("lower/dir", 0);     // EISDIR
    s.truncate("lower/missing", 0); // ENOENT
    long fd = s.open("lower/file.txt", O_RDONLY);
    s.fchmod(int(fd), 0600);
    s.fchown(int(fd), 0, 0);
    s.ftruncate(int(fd), 0);       // EINVAL: not open for writing
    s.write(int(fd), "x");         // EBADF
    s.close(int(fd));
    s.stat("lower/file.txt");
    s.get("lower/file.txt");
}
