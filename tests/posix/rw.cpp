// read, write, pread, pwrite, readv, writev, lseek.
#include "Scenario.h"

SCENARIO(rw, write_then_read_back)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0644));
    s.write(fd, "hello");
    s.lseek(fd, 0, SEEK_SET);
    s.read(fd, 10);
    s.read(fd, 10);
}

SCENARIO(rw, read_at_eof_returns_zero)
{
    s.put("f", "ab");
    int fd = int(s.open("f", O_RDONLY));
    s.read(fd, 2);
    s.read(fd, 2);
}

SCENARIO(rw, zero_length_read_and_write)
{
    s.put("f", "ab");
    int fd = int(s.open("f", O_RDWR));
    s.read(fd, 0);
    s.write(fd, "");
    s.fstat(fd);
}

SCENARIO(rw, overwrite_middle)
{
    s.put("f", "0123456789");
    int fd = int(s.open("f", O_RDWR));
    s.lseek(fd, 3, SEEK_SET);
    s.write(fd, "abc");
    s.close(fd);
    s.get("f");
}

SCENARIO(rw, pread_does_not_move_offset)
{
    s.put("f", "0123456789");
    int fd = int(s.open("f", O_RDONLY));
    s.pread(fd, 3, 5);
    s.read(fd, 3);
    s.pread(fd, 4, 8);
    s.pread(fd, 4, 100);
}

SCENARIO(rw, pwrite_beyond_end_makes_hole)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0644));
    s.pwrite(fd, "end", 10);
    s.fstat(fd);
    s.pread(fd, 13, 0);
}

SCENARIO(rw, pread_negative_offset_is_einval)
{
    s.put("f", "abc");
    int fd = int(s.open("f", O_RDWR));
    s.pread(fd, 1, -1);
    s.pwrite(fd, "x", -5);
}

SCENARIO(rw, readv_scatters)
{
    s.put("f", "abcdefghij");
    int fd = int(s.open("f", O_RDONLY));
    s.readv(fd, { 3, 0, 4, 10 });
}

SCENARIO(rw, writev_gathers)
{
    int fd = int(s.open("f", O_CREAT | O_WRONLY, 0644));
    s.writev(fd, { "one ", "", "two ", "three" });
    s.close(fd);
    s.get("f");
}

SCENARIO(rw, readv_zero_iovecs)
{
    s.put("f", "abc");
    int fd = int(s.open("f", O_RDONLY));
    s.readv(fd, {});
}

SCENARIO(rw, lseek_set_cur_end)
{
    s.put("f", "0123456789");
    int fd = int(s.open("f", O_RDONLY));
    s.lseek(fd, 4, SEEK_SET);
    s.lseek(fd, 2, SEEK_CUR);
    s.lseek(fd, -3, SEEK_END);
    s.read(fd, 5);
}

SCENARIO(rw, lseek_negative_is_einval)
{
    s.put("f", "0123");
    int fd = int(s.open("f", O_RDONLY));
    s.lseek(fd, -1, SEEK_SET);
    s.lseek(fd, -10, SEEK_END);
    s.lseek(fd, 0, SEEK_CUR);
}

SCENARIO(rw, lseek_bad_whence_is_einval)
{
    s.put("f", "0123");
    int fd = int(s.open("f", O_RDONLY));
    s.lseek(fd, 0, 17);
}

SCENARIO(rw, lseek_past_end_then_write_makes_hole)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0644));
    s.write(fd, "a");
    s.lseek(fd, 9000, SEEK_SET);
    s.write(fd, "b");
    s.fstat(fd);
    s.pread(fd, 2, 8999);
    s.pread(fd, 4, 4094);
}

SCENARIO(rw, seek_data_and_hole_on_dense_file)
{
    s.put("f", std::string(100, 'x'));
    int fd = int(s.open("f", O_RDONLY));
    s.lseek(fd, 0, SEEK_DATA);
    s.lseek(fd, 0, SEEK_HOLE);
    s.lseek(fd, 100, SEEK_DATA);
}

SCENARIO(rw, large_sparse_file)
{
    int fd = int(s.open("f", O_CREAT | O_RDWR, 0644));
    s.pwrite(fd, "tail", 5L * 1024 * 1024 * 1024);
    s.fstat(fd);
    s.pread(fd, 8, 5L * 1024 * 1024 * 1024 - 4);
    s.pread(fd, 4, 1024L * 1024 * 1024);
}

SCENARIO(rw, write_grows_size_read_sees_it)
{
    int w = int(s.open("f", O_CREAT | O_WRONLY, 0644));
    int r = int(s.open("f", O_RDONLY));
    s.write(w, "first");
    s.read(r, 100);
    s.write(w, "second");
    s.read(r, 100);
}

SCENARIO(rw, multi_page_write_and_read)
{
    std::string big;
    for (int i = 0; i < 3000; ++i)
        big += "line " + std::to_string(i) + "\n";
    s.put("f", big);
    s.stat("f");
    int fd = int(s.open("f", O_RDONLY));
    s.pread(fd, 40, 4090);
    s.pread(fd, 40, long(big.size()) - 20);
}

SCENARIO(rw, read_directory_is_eisdir)
{
    s.mkdir("d");
    int fd = int(s.open("d", O_RDONLY));
    s.read(fd, 10);
    s.pread(fd, 10, 0);
}

SCENARIO(rw, shared_offset_after_dup)
{
    s.put("f", "abcdef");
    int a = int(s.open("f", O_RDONLY));
    int b = int(s.dup(a));
    s.read(a, 2);
    s.read(b, 2);
    s.lseek(a, 0, SEEK_CUR);
}

SCENARIO(rw, separate_opens_have_separate_offsets)
{
    s.put("f", "abcdef");
    int a = int(s.open("f", O_RDONLY));
    int b = int(s.open("f", O_RDONLY));
    s.read(a, 2);
    s.read(b, 2);
}

SCENARIO(rw, unlinked_file_stays_readable)
{
    s.put("f", "still here");
    int fd = int(s.open("f", O_RDONLY));
    s.unlink("f");
    s.fstat(fd);
    s.read(fd, 100);
    s.stat("f");
}

SCENARIO(rw, fsync_and_fdatasync)
{
    int fd = int(s.open("f", O_CREAT | O_WRONLY, 0644));
    s.write(fd, "x");
    s.fsync(fd);
    s.fdatasync(fd);
    s.fsync(9999);
}

SCENARIO(rw, binary_data_roundtrip)
{
    std::string bin;
    for (int i = 0; i < 512; ++i)
        bin += char(i % 256);
    s.put("f", bin);
    int fd = int(s.open("f", O_RDONLY));
    s.pread(fd, 16, 250);
}

// Large reads (the hosted kernel reads them from an ext2 image past its
// cache, straight into the caller's buffer): blocks the cache holds newer
// than the disk, holes, unaligned starts and the end of the file must read
// as they do everywhere else.
SCENARIO(rw, large_reads_see_recent_writes_and_holes)
{
    std::string data(1 << 20, '\0');
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = char('a' + (i * 7 + i / 4096) % 26);
    s.put("f", data);
    int fd = int(s.open("f", O_RDWR));
    s.fsync(fd);
    s.pwrite(fd, "NEW", 300000);           // a block the cache holds newer
    s.pwrite(fd, "TAIL", (2 << 20) + 5000); // a hole from 1 MiB on
    s.pread_digest(fd, 3 << 20, 0);
    s.pread_digest(fd, 1 << 20, 3 * 4096 + 17);
    s.pread_digest(fd, 256 << 10, (2 << 20) - 4096);
    s.close(fd);
    s.stat("f");
}

// Large writes go past the cache where they can: over blocks the cache
// holds newer, holes, fresh blocks, unaligned ends; reads of every kind see
// the result.
SCENARIO(rw, large_writes_over_cached_blocks_and_holes)
{
    auto pattern = [](size_t n, int seed) {
        std::string data(n, '\0');
        for (size_t i = 0; i < n; ++i)
            data[i] = char('a' + (i * 13 + i / 4096 + size_t(seed)) % 26);
        return data;
    };
    s.put("f", "head");
    int fd = int(s.open("f", O_RDWR));
    s.pwrite(fd, "X", 700000);                            // a cached block past a hole
    s.pwrite(fd, pattern(3 << 19, 1), 8192);              // over it, the hole and new blocks
    s.pwrite(fd, pattern(300 << 10, 2), 4096 * 100 + 123); // unaligned, over written blocks
    s.fsync(fd);
    s.pwrite(fd, pattern(1 << 20, 3), 5 << 20);           // after a hole of 3 MiB
    s.pwrite(fd, pattern(64 << 10, 4), (5 << 20) + 4096); // inside it again, block-aligned
    s.pread_digest(fd, 7 << 20, 0);
    s.pread(fd, 100, 8192 + 4090);
    s.pread(fd, 100, (5 << 20) + 4096 - 50);
    s.pread_digest(fd, 256 << 10, (3 << 20) - 4096);
    s.close(fd);
    s.stat("f");
}
