// truncate, ftruncate.
#include "Scenario.h"

SCENARIO(truncate, shrink_and_grow)
{
    s.put("f", "0123456789");
    s.truncate("f", 4);
    s.get("f");
    s.truncate("f", 8);
    s.get("f");
}

SCENARIO(truncate, grow_reads_zeros_after_shrink)
{
    std::string page(5000, 'p');
    s.put("f", page);
    int fd = int(s.open("f", O_RDWR));
    s.ftruncate(fd, 10);
    s.ftruncate(fd, 6000);
    s.pread(fd, 16, 4990);
    s.pread(fd, 16, 4);
}

SCENARIO(truncate, ftruncate_needs_writable_fd)
{
    s.put("f", "abc");
    int fd = int(s.open("f", O_RDONLY));
    s.ftruncate(fd, 1);
    s.ftruncate(fd, -1);
}

SCENARIO(truncate, negative_length_is_einval)
{
    s.put("f", "abc");
    s.truncate("f", -1);
    int fd = int(s.open("f", O_RDWR));
    s.ftruncate(fd, -1);
}

SCENARIO(truncate, directory_is_eisdir)
{
    s.mkdir("d");
    s.truncate("d", 0);
    int fd = int(s.open("d", O_RDONLY));
    s.ftruncate(fd, 0);
}

SCENARIO(truncate, missing_is_enoent)
{
    s.truncate("missing", 0);
}

SCENARIO(truncate, offset_beyond_new_size)
{
    s.put("f", "0123456789");
    int fd = int(s.open("f", O_RDWR));
    s.lseek(fd, 8, SEEK_SET);
    s.ftruncate(fd, 2);
    s.read(fd, 4);
    s.write(fd, "Z");
    s.close(fd);
    s.get("f");
}

SCENARIO(truncate, pipe_is_einval)
{
    auto [r, w] = s.pipe2(0);
    s.ftruncate(w, 0);
}

SCENARIO(truncate, through_symlink)
{
    s.put("f", "abcdef");
    s.symlink("f", "l");
    s.truncate("l", 2);
    s.get("f");
}
