// copy_file_range, fadvise64, readahead, sync_file_range, fallocate,
// preadv2/pwritev2: the calls Debian's coreutils and databases make about
// a range of a file's data.
#include <linux/falloc.h>
#include <sys/uio.h>
#include "Scenario.h"

namespace {
long L(const void* p) { return long(reinterpret_cast<uintptr_t>(p)); }
}

SCENARIO(ranges, copy_file_range_offsets_and_own_positions)
{
    s.put("src", "0123456789abcdef");
    int in = int(s.open("src", O_RDONLY));
    int out = int(s.open("dst", O_RDWR | O_CREAT, 0644));
    loff_t a = 4, b = 2;
    s.raw("copy(in@4, out@2, 6)", SYS_copy_file_range, in, L(&a), out, L(&b), 6, 0);
    s.note("offsets now " + std::to_string(a) + " " + std::to_string(b));
    s.lseek(in, 0, SEEK_CUR);
    s.lseek(out, 0, SEEK_CUR);
    s.raw("copy(in, out, 5) own offsets", SYS_copy_file_range, in, 0, out, 0, 5, 0);
    s.lseek(in, 0, SEEK_CUR);
    s.lseek(out, 0, SEEK_CUR);
    a = 14;
    s.raw("copy past in's end", SYS_copy_file_range, in, L(&a), out, 0, 100, 0);
    a = 100;
    s.raw("copy at in's end", SYS_copy_file_range, in, L(&a), out, 0, 10, 0);
    s.raw("zero length", SYS_copy_file_range, in, 0, out, 0, 0, 0);
    s.fstat(out);
    s.pread(out, 64, 0);
}

SCENARIO(ranges, copy_file_range_errors)
{
    s.put("src", "0123456789");
    s.mkdir("d");
    int in = int(s.open("src", O_RDONLY));
    int rw = int(s.open("src", O_RDWR));
    int out = int(s.open("dst", O_WRONLY | O_CREAT, 0644));
    int app = int(s.open("app", O_WRONLY | O_CREAT | O_APPEND, 0644));
    int dir = int(s.open("d", O_RDONLY | O_DIRECTORY));
    int p[2];
    s.backend().syscall(SYS_pipe2, L(p), 0); // untraced: the host may hold a descriptor in between
    loff_t neg = -1, zero = 0, two = 2;
    s.raw("flags 1", SYS_copy_file_range, in, 0, out, 0, 4, 1);
    s.raw("bad in", SYS_copy_file_range, 999, 0, out, 0, 4, 0);
    s.raw("bad out", SYS_copy_file_range, in, 0, 999, 0, 4, 0);
    s.raw("out read-only", SYS_copy_file_range, in, 0, in, 0, 4, 0);
    s.raw("in write-only", SYS_copy_file_range, out, 0, out, 0, 4, 0);
    s.raw("out O_APPEND", SYS_copy_file_range, in, 0, app, 0, 4, 0);
    s.raw("in directory", SYS_copy_file_range, dir, 0, out, 0, 4, 0);
    s.raw("in pipe", SYS_copy_file_range, p[0], 0, out, 0, 4, 0);
    s.raw("out pipe", SYS_copy_file_range, in, 0, p[1], 0, 4, 0);
    s.raw("negative in offset", SYS_copy_file_range, in, L(&neg), out, 0, 4, 0);
    s.raw("negative out offset", SYS_copy_file_range, in, 0, out, L(&neg), 4, 0);
    s.raw("bad offset pointer", SYS_copy_file_range, in, 8, out, 0, 4, 0);
    s.raw("same file overlapping", SYS_copy_file_range, rw, L(&zero), rw, L(&two), 4, 0);
    zero = 0;
    loff_t six = 6;
    s.raw("same file apart", SYS_copy_file_range, rw, L(&zero), rw, L(&six), 4, 0);
    s.pread(rw, 32, 0);
    s.backend().syscall(SYS_close, p[0]);
    s.backend().syscall(SYS_close, p[1]);
}

SCENARIO(ranges, fadvise_readahead_sync_file_range)
{
    s.put("f", "data");
    int f = int(s.open("f", O_RDWR));
    int w = int(s.open("f", O_WRONLY));
    int p[2];
    s.backend().syscall(SYS_pipe2, L(p), 0); // untraced: the host may hold a descriptor in between
    for (int advice = 0; advice <= 6; ++advice)
        s.raw(("fadvise advice " + std::to_string(advice)).c_str(), SYS_fadvise64, f, 0, 0, advice);
    s.raw("fadvise negative length", SYS_fadvise64, f, 0, -1, 0);
    s.raw("fadvise negative offset", SYS_fadvise64, f, -5, 10, 0);
    s.raw("fadvise pipe", SYS_fadvise64, p[0], 0, 0, 0);
    s.raw("fadvise bad fd", SYS_fadvise64, 999, 0, 0, 0);
    s.raw("readahead", SYS_readahead, f, 0, 4096);
    s.raw("readahead write-only", SYS_readahead, w, 0, 4096);
    s.raw("readahead pipe", SYS_readahead, p[0], 0, 10);
    s.raw("readahead bad fd", SYS_readahead, 999, 0, 10);
    s.raw("sync_file_range", SYS_sync_file_range, f, 0, 0, 7);
    s.raw("sync_file_range no flags", SYS_sync_file_range, f, 0, 4, 0);
    s.raw("sync_file_range bad flags", SYS_sync_file_range, f, 0, 0, 8);
    s.raw("sync_file_range negative offset", SYS_sync_file_range, f, -1, 0, 2);
    s.raw("sync_file_range negative count", SYS_sync_file_range, f, 0, -1, 2);
    s.raw("sync_file_range pipe", SYS_sync_file_range, p[0], 0, 0, 2);
    s.raw("sync_file_range bad fd", SYS_sync_file_range, 999, 0, 0, 2);
    s.backend().syscall(SYS_close, p[0]);
    s.backend().syscall(SYS_close, p[1]);
}

SCENARIO(ranges, fallocate_grows_or_keeps_size)
{
    s.put("f", "abc");
    s.mkdir("d");
    int f = int(s.open("f", O_RDWR));
    int r = int(s.open("f", O_RDONLY));
    int p[2];
    s.backend().syscall(SYS_pipe2, L(p), 0); // untraced: the host may hold a descriptor in between
    s.raw("fallocate keep size", SYS_fallocate, f, FALLOC_FL_KEEP_SIZE, 0, 8192);
    s.note("size " + std::to_string(s.quiet_stat("f").st_size)); // blocks: Husk reserves none ahead
    s.raw("fallocate inside", SYS_fallocate, f, 0, 0, 2);
    s.note("size " + std::to_string(s.quiet_stat("f").st_size)); // blocks: Husk reserves none ahead
    s.raw("fallocate grows", SYS_fallocate, f, 0, 100, 5000);
    s.note("size " + std::to_string(s.quiet_stat("f").st_size)); // blocks: Husk reserves none ahead
    s.pread(f, 8, 0);
    s.pread(f, 8, 100);
    s.raw("zero length", SYS_fallocate, f, 0, 0, 0);
    s.raw("negative offset", SYS_fallocate, f, 0, -1, 10);
    s.raw("unknown mode", SYS_fallocate, f, 0x1000, 0, 10);
    s.raw("read-only", SYS_fallocate, r, 0, 0, 10);
    s.raw("pipe", SYS_fallocate, p[1], 0, 0, 10);
    s.raw("bad fd", SYS_fallocate, 999, 0, 0, 10);
    s.backend().syscall(SYS_close, p[0]);
    s.backend().syscall(SYS_close, p[1]);
}

SCENARIO(ranges, preadv2_pwritev2)
{
    s.put("f", "0123456789");
    int f = int(s.open("f", O_RDWR));
    char a[4] = {}, b[3] = {};
    struct iovec v[2] = { { a, sizeof a }, { b, sizeof b } };
    s.raw("preadv2 at 2", SYS_preadv2, f, L(v), 2, 2, 0, 0);
    s.note(std::string(a, 4) + "|" + std::string(b, 3));
    s.raw("preadv2 own offset", SYS_preadv2, f, L(v), 2, -1, 0, 0);
    s.note(std::string(a, 4) + "|" + std::string(b, 3));
    s.lseek(f, 0, SEEK_CUR);
    s.raw("preadv2 hipri", SYS_preadv2, f, L(v), 1, 0, 0, RWF_HIPRI);
    s.raw("preadv2 unknown flag", SYS_preadv2, f, L(v), 1, 0, 0, 0x1000);
    s.raw("preadv2 offset -2", SYS_preadv2, f, L(v), 1, -2, 0, 0);
    s.raw("preadv2 bad fd", SYS_preadv2, 999, L(v), 1, 0, 0, 0);
    char x[] = "XY";
    struct iovec w[1] = { { x, 2 } };
    s.raw("pwritev2 at 1", SYS_pwritev2, f, L(w), 1, 1, 0, 0);
    s.raw("pwritev2 own offset", SYS_pwritev2, f, L(w), 1, -1, 0, RWF_DSYNC);
    s.lseek(f, 0, SEEK_CUR);
    s.raw("pwritev2 append", SYS_pwritev2, f, L(w), 1, 0, 0, RWF_APPEND);
    s.raw("pwritev2 sync", SYS_pwritev2, f, L(w), 1, 3, 0, RWF_SYNC);
    s.lseek(f, 0, SEEK_CUR);
    s.pread(f, 32, 0);
}
