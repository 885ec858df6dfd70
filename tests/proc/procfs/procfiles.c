// The system files of /proc that procps, libuv, JVMs, df and daemons read,
// parsed as they parse them: meminfo (Linux's fields in Linux's order and
// layout, totals consistent with sysinfo), uptime (grows with the clock),
// loadavg, version (uname's release), filesystems, /proc/mounts (a link to
// self/mounts, lines that getmntent parses, "/" and /proc there),
// mountinfo (fields that parse, parents that exist, /proc's major:minor
// its st_dev), and /proc/sys (values uname and getrlimit agree with; uuid
// new at each read, boot_id not; read-only files refuse a write). Every
// line starting "proc: " states a fact: run-procfiles-test compares them
// with the host's. "info: " lines are for the runner alone.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void fact(int ok, const char* what, const char* otherwise)
{
    if (ok)
        printf("proc: %s\n", what);
    else {
        printf("proc: NOT %s (%s)\n", what, otherwise ? otherwise : "");
        ++failures;
    }
}

static long slurp(const char* path, char* buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (ssize_t r; n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0;)
        n += (size_t)r;
    close(fd);
    buf[n] = 0;
    return (long)n;
}

static int matches(const char* pattern, const char* s)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
        return 0;
    int ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

// Linux 6.1's meminfo fields in order (fs/proc/meminfo.c); a kernel may
// leave some out or add others (newer ones, config-dependent ones).
static const char* const kMeminfoOrder[] = {
    "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive",
    "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "SwapTotal",
    "SwapFree", "Zswap", "Zswapped", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab",
    "SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "SecPageTables", "NFS_Unstable", "Bounce",
    "WritebackTmp", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu",
    "HardwareCorrupted", "AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped",
    "HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "Hugepagesize", "Hugetlb",
    "DirectMap4k", "DirectMap2M", "DirectMap1G",
};
// What free(1), libuv and JVMs need.
static const char* const kMeminfoRequired[] = {
    "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive",
    "SwapTotal", "SwapFree", "Dirty", "Shmem", "SReclaimable", "Hugepagesize",
};

static long order_of(const char* name)
{
    for (size_t i = 0; i < sizeof kMeminfoOrder / sizeof *kMeminfoOrder; ++i)
        if (strcmp(kMeminfoOrder[i], name) == 0)
            return (long)i;
    return -1;
}

static void meminfo(void)
{
    static char text[16384];
    if (slurp("/proc/meminfo", text, sizeof text) <= 0) {
        fact(0, "/proc/meminfo reads", "missing");
        return;
    }
    long last = -1, bad_layout = 0, out_of_order = 0, required = 0;
    unsigned long long total = 0, free_kib = 0, available = 0, cached = 0;
    char bad[256] = "";
    for (char* line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64];
        unsigned long long value;
        if (sscanf(line, "%63[^:]: %llu", name, &value) != 2) {
            ++bad_layout;
            snprintf(bad, sizeof bad, "%s", line);
            continue;
        }
        // Linux's layouts: "%-15s %8lu kB" with the colon in the name, and
        // its two others (HugePages_*, HardwareCorrupted).
        char expect[128], label[80];
        snprintf(label, sizeof label, "%s:", name);
        if (strncmp(name, "HugePages_", 10) == 0)
            snprintf(expect, sizeof expect, "%-19s%5llu", label, value);
        else if (strcmp(name, "HardwareCorrupted") == 0)
            snprintf(expect, sizeof expect, "%s %5llu kB", label, value);
        else
            snprintf(expect, sizeof expect, "%-15s %8llu kB", label, value);
        if (strcmp(expect, line) != 0) {
            ++bad_layout;
            snprintf(bad, sizeof bad, "'%s'", line);
        }
        long at = order_of(name);
        if (at >= 0) {
            if (at < last)
                ++out_of_order;
            last = at;
        }
        for (size_t i = 0; i < sizeof kMeminfoRequired / sizeof *kMeminfoRequired; ++i)
            required += strcmp(kMeminfoRequired[i], name) == 0;
        if (!strcmp(name, "MemTotal")) total = value;
        if (!strcmp(name, "MemFree")) free_kib = value;
        if (!strcmp(name, "MemAvailable")) available = value;
        if (!strcmp(name, "Cached")) cached = value;
    }
    fact(bad_layout == 0, "meminfo lines in Linux's layout", bad);
    fact(out_of_order == 0, "meminfo fields in Linux's order", "out of order");
    fact(required == sizeof kMeminfoRequired / sizeof *kMeminfoRequired, "meminfo has free(1)'s fields", "missing");
    fact(total > 0 && free_kib <= total && available <= total && free_kib > 0 && cached <= total,
         "MemFree, MemAvailable, Cached at most MemTotal", "");
    struct sysinfo si;
    sysinfo(&si);
    unsigned long long si_total = (unsigned long long)si.totalram * si.mem_unit / 1024;
    fact(si_total == total, "MemTotal is sysinfo's totalram", "");
    printf("info: memtotal_kib %llu\n", total);
}

static int read_uptime(double* up, double* idle)
{
    char text[128];
    return slurp("/proc/uptime", text, sizeof text) > 0 && matches("^[0-9]+\\.[0-9][0-9] [0-9]+\\.[0-9][0-9]\n$", text)
        && sscanf(text, "%lf %lf", up, idle) == 2;
}

static void uptime(void)
{
    double up1, idle1, up2, idle2;
    int ok = read_uptime(&up1, &idle1);
    fact(ok, "uptime is two times in seconds and hundredths", "");
    struct timespec pause = { 1, 200000000 };
    nanosleep(&pause, NULL);
    ok = ok && read_uptime(&up2, &idle2);
    fact(ok && up2 - up1 >= 1.0 && up2 - up1 < 30.0, "uptime grows with the clock", "");
    fact(ok && idle2 >= idle1, "idle time does not shrink", "");
    struct sysinfo si;
    sysinfo(&si);
    fact(ok && si.uptime >= (long)up2 - 1 && si.uptime <= (long)up2 + 2, "uptime is sysinfo's", "");
}

static void loadavg(void)
{
    char text[128];
    double a, b, c;
    int running, total, last;
    int ok = slurp("/proc/loadavg", text, sizeof text) > 0
        && matches("^[0-9]+\\.[0-9][0-9] [0-9]+\\.[0-9][0-9] [0-9]+\\.[0-9][0-9] [0-9]+/[0-9]+ [0-9]+\n$", text)
        && sscanf(text, "%lf %lf %lf %d/%d %d", &a, &b, &c, &running, &total, &last) == 6;
    fact(ok, "loadavg has three loads, running/total and the last pid", text);
    fact(ok && running >= 1 && total >= running && last >= getpid(), "loadavg counts the reader", text);
}

static void version(void)
{
    char text[512], want[300];
    struct utsname u;
    uname(&u);
    snprintf(want, sizeof want, "Linux version %s (", u.release);
    fact(slurp("/proc/version", text, sizeof text) > 0 && strncmp(text, want, strlen(want)) == 0
             && strstr(text, u.version) && text[strlen(text) - 1] == '\n',
         "version names uname's release and version", text);
}

static void filesystems(void)
{
    char text[4096];
    int ok = slurp("/proc/filesystems", text, sizeof text) > 0;
    int bad = 0, proc_nodev = 0, ext2_device = 0;
    for (char* line = strtok(text, "\n"); ok && line; line = strtok(NULL, "\n")) {
        if (!matches("^(nodev)?\t[a-z0-9._]+$", line))
            ++bad;
        proc_nodev += strcmp(line, "nodev\tproc") == 0;
        ext2_device += strcmp(line, "\text2") == 0 || strcmp(line, "\text4") == 0;
    }
    fact(ok && !bad, "filesystems lines are [nodev]TAB name", "");
    fact(proc_nodev, "filesystems has proc as nodev", "");
    fact(ext2_device, "filesystems has ext2 or ext4 on a device", "");
}

static void mounts(void)
{
    struct stat st;
    char link[64] = "";
    fact(lstat("/proc/mounts", &st) == 0 && S_ISLNK(st.st_mode) && readlink("/proc/mounts", link, sizeof link) > 0
             && strcmp(link, "self/mounts") == 0,
         "/proc/mounts is a link to self/mounts", link);
    FILE* f = setmntent("/proc/mounts", "r");
    int lines = 0, root = 0, proc = 0, bad = 0;
    for (struct mntent* m; f && (m = getmntent(f));) {
        ++lines;
        root += strcmp(m->mnt_dir, "/") == 0;
        proc += strcmp(m->mnt_dir, "/proc") == 0 && strcmp(m->mnt_type, "proc") == 0;
        bad += !hasmntopt(m, "rw") && !hasmntopt(m, "ro");
    }
    if (f)
        endmntent(f);
    fact(lines > 0 && !bad, "getmntent reads /proc/mounts, each with rw or ro", "");
    fact(root, "/proc/mounts has /", "");
    fact(proc, "/proc/mounts has /proc as proc", "");
    static char text[65536], copy[65536];
    fact(slurp("/proc/self/mounts", text, sizeof text) > 0 && slurp("/proc/mounts", copy, sizeof copy) > 0
             && strcmp(text, copy) == 0,
         "/proc/self/mounts is /proc/mounts", "");
}

static void mountinfo(void)
{
    static char text[65536];
    if (slurp("/proc/self/mountinfo", text, sizeof text) <= 0) {
        fact(0, "/proc/self/mountinfo reads", "");
        return;
    }
    struct { int id, parent; unsigned major, minor; char point[256]; } m[256];
    int n = 0, bad = 0;
    char badline[300] = "";
    for (char* line = strtok(text, "\n"); line && n < 256; line = strtok(NULL, "\n")) {
        char root[256], options[256], rest[1024];
        int used = 0;
        if (sscanf(line, "%d %d %u:%u %255s %255s %255s %n", &m[n].id, &m[n].parent, &m[n].major, &m[n].minor, root,
                   m[n].point, options, &used) != 7) {
            ++bad;
            snprintf(badline, sizeof badline, "%s", line);
            continue;
        }
        // Optional fields (tag:value), then "-", type, source, super options.
        snprintf(rest, sizeof rest, "%s", line + used);
        char* sep = strstr(rest, "- ");
        char type[64], source[256], super[512];
        if (!sep || (sep != rest && sep[-1] != ' ') || sscanf(sep + 2, "%63s %255s %511s", type, source, super) != 3
            || !matches("^r[ow](,|$)", options) || !matches("^r[ow](,|$)", super)) {
            ++bad;
            snprintf(badline, sizeof badline, "%s", line);
        }
        ++n;
    }
    fact(n > 0 && !bad, "mountinfo lines parse (ids, major:minor, root, point, options, -, type, source, super)",
         badline);
    int orphans = 0, duplicates = 0, root = 0, proc_dev = 0;
    struct stat st;
    stat("/proc", &st);
    for (int i = 0; i < n; ++i) {
        int found = 0;
        for (int j = 0; j < n; ++j) {
            found += m[j].id == m[i].parent;
            duplicates += j != i && m[j].id == m[i].id;
        }
        // Only the root's parent may be outside the table (Linux: the
        // namespace's first mount, or itself).
        if (strcmp(m[i].point, "/") == 0)
            ++root;
        else if (!found)
            ++orphans;
        if (strcmp(m[i].point, "/proc") == 0)
            proc_dev = m[i].major == major(st.st_dev) && m[i].minor == minor(st.st_dev);
    }
    fact(root, "mountinfo has /", "");
    fact(!orphans && !duplicates, "mountinfo ids are unique, parents listed", "");
    fact(proc_dev, "mountinfo's major:minor of /proc is its st_dev", "");
}

static void sys_line(const char* path, char* buf, size_t size)
{
    buf[0] = 0;
    if (slurp(path, buf, size) > 0 && buf[strlen(buf) - 1] == '\n')
        buf[strlen(buf) - 1] = 0;
    else
        snprintf(buf, size, "(missing)");
}

static long sys_number(const char* path)
{
    char buf[64];
    sys_line(path, buf, sizeof buf);
    char* end;
    long v = strtol(buf, &end, 10);
    return *end || end == buf ? -1 : v;
}

static void sysctl(void)
{
    struct utsname u;
    uname(&u);
    char buf[256];
    sys_line("/proc/sys/kernel/hostname", buf, sizeof buf);
    fact(!strcmp(buf, u.nodename), "kernel/hostname is uname's nodename", buf);
    sys_line("/proc/sys/kernel/domainname", buf, sizeof buf);
    fact(!strcmp(buf, u.domainname), "kernel/domainname is uname's", buf);
    sys_line("/proc/sys/kernel/ostype", buf, sizeof buf);
    fact(!strcmp(buf, u.sysname), "kernel/ostype is uname's sysname", buf);
    sys_line("/proc/sys/kernel/osrelease", buf, sizeof buf);
    fact(!strcmp(buf, u.release), "kernel/osrelease is uname's release", buf);
    sys_line("/proc/sys/kernel/version", buf, sizeof buf);
    fact(!strcmp(buf, u.version), "kernel/version is uname's version", buf);
    fact(sys_number("/proc/sys/kernel/pid_max") > 300, "kernel/pid_max is a number above 300", "");
    fact(sys_number("/proc/sys/net/core/somaxconn") >= 128, "net/core/somaxconn is at least 128", "");
    long overcommit = sys_number("/proc/sys/vm/overcommit_memory");
    fact(overcommit >= 0 && overcommit <= 2, "vm/overcommit_memory is 0, 1 or 2", "");
    fact(sys_number("/proc/sys/fs/file-max") > 0, "fs/file-max is a number", "");
    fact(sys_number("/proc/sys/fs/nr_open") >= 1024, "fs/nr_open is at least 1024", "");
    const char* uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";
    char a[64], b[64];
    sys_line("/proc/sys/kernel/random/uuid", a, sizeof a);
    sys_line("/proc/sys/kernel/random/uuid", b, sizeof b);
    fact(matches(uuid, a) && matches(uuid, b) && strcmp(a, b), "random/uuid is a new UUID at each read", a);
    sys_line("/proc/sys/kernel/random/boot_id", a, sizeof a);
    sys_line("/proc/sys/kernel/random/boot_id", b, sizeof b);
    fact(matches(uuid, a) && !strcmp(a, b), "random/boot_id is one UUID", a);
    // A read-only value refuses a writer, root too (EACCES at open on
    // Linux; at open or at write is the same to a program).
    int fd = open("/proc/sys/kernel/ostype", O_WRONLY);
    int error = fd < 0 ? errno : (write(fd, "x\n", 2) < 0 ? errno : 0);
    if (fd >= 0)
        close(fd);
    fact(error == EACCES, "writing kernel/ostype fails with EACCES", strerror(error));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    meminfo();
    uptime();
    loadavg();
    version();
    filesystems();
    mounts();
    mountinfo();
    sysctl();
    printf("proc: done\n");
    return failures ? 1 : 0;
}
