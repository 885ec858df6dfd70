// The older forms programs still call: utime, utimes, futimesat (through
// utimensat's rules) and getdents with the old struct linux_dirent.
#include <sys/time.h>
#include <utime.h>
#include <algorithm>
#include <cstring>
#include "Scenario.h"

namespace {
long L(const void* p) { return long(reinterpret_cast<uintptr_t>(p)); }

std::string times_of(posix::Sys& s, const char* path)
{
    struct stat st = s.quiet_stat(path);
    return std::to_string(st.st_atim.tv_sec) + "." + std::to_string(st.st_atim.tv_nsec) + " " +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}
} // namespace

SCENARIO(oldcalls, utime_utimes_futimesat)
{
    s.put("f", "x");
    s.mkdir("d");
    s.put("d/g", "y");
    struct utimbuf ub { 1000000, 2000000 };
    s.raw("utime", SYS_utime, L("f"), L(&ub));
    s.note(times_of(s, "f"));
    struct timeval tv[2] = { { 3000000, 123456 }, { 4000000, 654321 } };
    s.raw("utimes", SYS_utimes, L("f"), L(tv));
    s.note(times_of(s, "f"));
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    s.raw("futimesat", SYS_futimesat, d, L("g"), L(tv));
    s.note(times_of(s, "d/g"));
    int f = int(s.open("f", O_RDONLY));
    tv[0].tv_sec = 5000000;
    s.raw("futimesat(fd, NULL)", SYS_futimesat, f, 0, L(tv));
    s.note(times_of(s, "f"));
    struct timeval bad[2] = { { 1, 1000000 }, { 1, 0 } };
    s.raw("utimes bad usec", SYS_utimes, L("f"), L(bad));
    bad[0].tv_usec = -1;
    s.raw("utimes negative usec", SYS_utimes, L("f"), L(bad));
    s.raw("utimes missing", SYS_utimes, L("nope"), L(tv));
    s.raw("utime missing", SYS_utime, L("nope"), 0);
    s.raw("utimes bad pointer", SYS_utimes, L("f"), 8);
    s.raw("utime bad pointer", SYS_utime, L("f"), 8);
    s.raw("futimesat bad fd", SYS_futimesat, 999, L("g"), L(tv));
    s.raw("utimes now", SYS_utimes, L("f"), 0);
    s.raw("utime now", SYS_utime, L("f"), 0);
    struct stat st = s.quiet_stat("f");
    s.note(std::string("now is recent: ") + (st.st_mtim.tv_sec > 1600000000 ? "yes" : "no"));
}

SCENARIO(oldcalls, getdents_old_format)
{
    s.mkdir("d");
    s.put("d/file", "x");
    s.mkdir("d/sub");
    s.symlink("file", "d/link");
    int d = int(s.open("d", O_RDONLY | O_DIRECTORY));
    alignas(8) char buf[4096];
    std::vector<std::string> names;
    long n;
    while ((n = s.raw("getdents", SYS_getdents, d, L(buf), sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            unsigned short reclen;
            std::memcpy(&reclen, buf + at + 16, 2);
            const char* name = buf + at + 18;
            bool fits = std::strlen(name) + 18 + 2 <= reclen && reclen % 8 == 0;
            names.push_back(std::string(name) + ":" + std::to_string(int(buf[at + reclen - 1])) + (fits ? "" : " bad record"));
            at += reclen;
        }
    }
    std::sort(names.begin(), names.end());
    std::string all;
    for (auto& x : names)
        all += x + " ";
    s.note(all);
    s.lseek(d, 0, SEEK_SET);
    s.raw("getdents tiny buffer", SYS_getdents, d, L(buf), 10);
    s.raw("getdents bad fd", SYS_getdents, 999, L(buf), sizeof buf);
    int f = int(s.open("d/file", O_RDONLY));
    s.raw("getdents not a directory", SYS_getdents, f, L(buf), sizeof buf);
    s.raw("getdents bad buffer", SYS_getdents, d, 8, sizeof buf);
}
