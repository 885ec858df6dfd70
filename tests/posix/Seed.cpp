#include "Seed.h"
#include <fcntl.h>
#include <stdexcept>
#include <sys/syscall.h>

namespace posix {

namespace {
void must(long r, const std::string& what)
{
    if (r < 0)
        throw std::runtime_error("seed: " + what + ": errno " + std::to_string(-r));
}

void dir(Backend& b, const std::string& path, int mode)
{
    must(b.syscall(SYS_mkdir, long(path.c_str()), mode), "mkdir " + path);
    must(b.syscall(SYS_chmod, long(path.c_str()), mode), "chmod " + path);
}

void file(Backend& b, const std::string& path, const std::string& data, int mode)
{
    long fd = b.syscall(SYS_open, long(path.c_str()), O_WRONLY | O_CREAT | O_EXCL, mode);
    must(fd, "create " + path);
    must(b.syscall(SYS_write, fd, long(data.data()), long(data.size())), "write " + path);
    b.syscall(SYS_close, fd);
    must(b.syscall(SYS_chmod, long(path.c_str()), mode), "chmod " + path);
}
} // namespace

void write_seed(Backend& b, const std::string& root)
{
    std::string l = root + "/lower";
    dir(b, l, 0755);
    file(b, l + "/file.txt", "lower data\n", 0644);
    file(b, l + "/exec.sh", "#!/bin/sh\necho hi\n", 0755);
    file(b, l + "/empty", "", 0600);
    std::string big;
    for (int i = 0; big.size() < 100000; ++i)
        big += "line " + std::to_string(i) + " of a file bigger than a block\n";
    file(b, l + "/big.txt", big, 0644);
    dir(b, l + "/dir", 0755);
    file(b, l + "/dir/a.txt", "a\n", 0644);
    file(b, l + "/dir/b.txt", "b\n", 0640);
    dir(b, l + "/dir/sub", 0750);
    file(b, l + "/dir/sub/deep.txt", "deep\n", 0644);
    dir(b, l + "/emptydir", 0755);
    must(b.syscall(SYS_symlink, long("file.txt"), long((l + "/link").c_str())), "symlink");
    must(b.syscall(SYS_symlink, long("dir"), long((l + "/dirlink").c_str())), "symlink");
}

} // namespace posix
