// /proc for processes the hosted kernel holds (husk_process_create): the
// readdir of /proc lists their pids, /proc/self resolves to the caller,
// stat and status parse as proc(5) says, fd/ links name paths, and a
// process's nodes go with it. The system files, mount tables and /proc/sys. (The differential test
// tests/proc/procfs compares a program's view with Linux's.)
#include "Boot.h"
#include "proc/LoadAverage.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <vector>

namespace {
// A system call as process pid; the caller's own (init) goes straight in.
long call_as(long pid, long nr, long a1 = 0, long a2 = 0, long a3 = 0)
{
    long me = husk_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    return pid == me ? husk_syscall(nr, a1, a2, a3, 0, 0, 0) : husk_syscall_as(pid, nr, a1, a2, a3, 0, 0, 0);
}

std::string readlink_as(long pid, const std::string& path)
{
    char buf[4096];
    long n = call_as(pid, SYS_readlink, long(path.c_str()), long(buf), sizeof buf);
    return n < 0 ? "error " + std::to_string(-n) : std::string(buf, size_t(n));
}

// The whole file, or "error N".
std::string read_as(long pid, const std::string& path)
{
    long fd = call_as(pid, SYS_open, long(path.c_str()), O_RDONLY, 0);
    if (fd < 0)
        return "error " + std::to_string(-fd);
    std::string text;
    char buf[100]; // small reads: the text must come out whole across offsets
    long n;
    while ((n = call_as(pid, SYS_read, fd, long(buf), sizeof buf)) > 0)
        text.append(buf, size_t(n));
    call_as(pid, SYS_close, fd, 0, 0);
    return n < 0 ? "error " + std::to_string(-n) : text;
}

std::set<std::string> list(long pid, const std::string& path)
{
    std::set<std::string> names;
    long fd = call_as(pid, SYS_open, long(path.c_str()), O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return names;
    char buf[256]; // small: the listing resumes from its cookies
    long n;
    while ((n = call_as(pid, SYS_getdents64, fd, long(buf), sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            unsigned short reclen;
            memcpy(&reclen, buf + at + 16, 2);
            names.insert(buf + at + 19);
            at += reclen;
        }
    }
    call_as(pid, SYS_close, fd, 0, 0);
    return names;
}

std::vector<std::string> words(const std::string& s)
{
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

std::string field(const std::string& status, const std::string& key)
{
    size_t at = status.find("\n" + key + ":\t");
    if (status.rfind(key + ":\t", 0) == 0)
        at = 0;
    else if (at == std::string::npos)
        return "missing";
    else
        ++at;
    at += key.size() + 2;
    return status.substr(at, status.find('\n', at) - at);
}
} // namespace

TEST(Procfs, ListsProcessesAndSelf)
{
    boot_kernel();
    long me = husk_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    long a = husk_process_create("procfs-a"), b = husk_process_create("procfs-b");
    ASSERT_GT(a, 0);
    ASSERT_GT(b, 0);
    auto names = list(me, "/proc");
    for (const char* n : { "self", "net", ".", ".." })
        EXPECT_TRUE(names.count(n)) << n;
    for (long pid : { me, a, b })
        EXPECT_TRUE(names.count(std::to_string(pid))) << pid;
    EXPECT_EQ(readlink_as(me, "/proc/self"), std::to_string(me));
    EXPECT_EQ(readlink_as(a, "/proc/self"), std::to_string(a));
    // Through the link, as a path.
    EXPECT_EQ(read_as(b, "/proc/self/comm"), "procfs-b\n");
    EXPECT_EQ(read_as(me, "/proc/" + std::to_string(a) + "/comm"), "procfs-a\n");
    std::set<std::string> entries = list(me, "/proc/" + std::to_string(a));
    for (const char* n : { "cmdline", "comm", "cwd", "exe", "fd", "root", "stat", "statm", "status" })
        EXPECT_TRUE(entries.count(n)) << n;
    // Names that are not pids, or not a live one.
    EXPECT_EQ(readlink_as(me, "/proc/0" + std::to_string(a) + "/cwd"), "error " + std::to_string(ENOENT));
    EXPECT_EQ(read_as(me, "/proc/999999/stat"), "error " + std::to_string(ENOENT));

    ASSERT_EQ(husk_process_destroy(a), 0);
    EXPECT_FALSE(list(me, "/proc").count(std::to_string(a)));
    EXPECT_EQ(read_as(me, "/proc/" + std::to_string(a) + "/stat"), "error " + std::to_string(ENOENT));
    ASSERT_EQ(husk_process_destroy(b), 0);
}

TEST(Procfs, StatAndStatusParse)
{
    boot_kernel();
    long me = husk_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    long a = husk_process_create("procfs-stat");
    ASSERT_GT(a, 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_umask, 027, 0, 0, 0, 0, 0), 022);
    std::string dir = "/proc/" + std::to_string(a);
    std::string stat = read_as(me, dir + "/stat");
    ASSERT_EQ(stat.back(), '\n');
    // pid (comm) state ppid pgrp session ..., 52 fields.
    ASSERT_EQ(stat.rfind(std::to_string(a) + " (procfs-stat) S ", 0), 0u) << stat;
    std::vector<std::string> f = words(stat.substr(stat.rfind(')') + 2));
    ASSERT_EQ(f.size() + 2, 52u) << stat;
    EXPECT_EQ(f[0], "S");
    EXPECT_EQ(f[1], std::to_string(husk_syscall_as(a, SYS_getppid, 0, 0, 0, 0, 0, 0)));
    EXPECT_EQ(f[2], std::to_string(husk_syscall_as(a, SYS_getpgid, 0, 0, 0, 0, 0, 0)));
    EXPECT_EQ(f[3], std::to_string(husk_syscall_as(a, SYS_getsid, 0, 0, 0, 0, 0, 0)));
    EXPECT_EQ(f[19 - 2], "1"); // num_threads
    // The reader itself is running.
    EXPECT_EQ(words(read_as(me, "/proc/self/stat"))[2], "R");

    std::string status = read_as(me, dir + "/status");
    EXPECT_EQ(field(status, "Name"), "procfs-stat");
    EXPECT_EQ(field(status, "Umask"), "0027");
    EXPECT_EQ(field(status, "State"), "S (sleeping)");
    EXPECT_EQ(field(status, "Tgid"), std::to_string(a));
    EXPECT_EQ(field(status, "Pid"), std::to_string(a));
    EXPECT_EQ(field(status, "PPid"), f[1]);
    EXPECT_EQ(field(status, "Uid"), "0\t0\t0\t0");
    EXPECT_EQ(field(status, "Gid"), "0\t0\t0\t0");
    EXPECT_EQ(field(status, "Threads"), "1");
    EXPECT_EQ(field(status, "SigBlk"), "0000000000000000");
    // A local client has no program: no memory lines, no exe, no cmdline.
    EXPECT_EQ(field(status, "VmRSS"), "missing");
    EXPECT_EQ(readlink_as(me, dir + "/exe"), "error " + std::to_string(ENOENT));
    EXPECT_EQ(read_as(me, dir + "/cmdline"), "");
    EXPECT_EQ(words(read_as(me, dir + "/statm")).size(), 7u);
    ASSERT_EQ(husk_process_destroy(a), 0);
}

TEST(Procfs, LinksNamePaths)
{
    boot_kernel();
    long me = husk_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    long a = husk_process_create("procfs-fd");
    ASSERT_GT(a, 0);
    std::string dir = "/proc/" + std::to_string(a);
    husk_syscall_as(a, SYS_mkdir, long("/tmp"), 0777, 0, 0, 0, 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_mkdir, long("/tmp/procfs-unit"), 0755, 0, 0, 0, 0), 0);
    long file = husk_syscall_as(a, SYS_open, long("/tmp/procfs-unit/data"), O_CREAT | O_RDWR, 0644, 0, 0, 0);
    ASSERT_GE(file, 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_write, file, long("hello"), 5, 0, 0, 0), 5);
    long directory = husk_syscall_as(a, SYS_open, long("/tmp/procfs-unit"), O_RDONLY | O_DIRECTORY, 0, 0, 0, 0);
    int pipe_fds[2];
    ASSERT_EQ(husk_syscall_as(a, SYS_pipe2, long(pipe_fds), 0, 0, 0, 0, 0), 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_chdir, long("/tmp/procfs-unit"), 0, 0, 0, 0, 0), 0);

    std::string fds = dir + "/fd/";
    EXPECT_EQ(readlink_as(me, fds + std::to_string(file)), "/tmp/procfs-unit/data");
    EXPECT_EQ(readlink_as(me, fds + std::to_string(directory)), "/tmp/procfs-unit");
    EXPECT_EQ(readlink_as(me, fds + std::to_string(pipe_fds[0])).rfind("pipe:[", 0), 0u);
    EXPECT_EQ(readlink_as(me, fds + "999"), "error " + std::to_string(ENOENT));
    EXPECT_EQ(readlink_as(me, dir + "/cwd"), "/tmp/procfs-unit");
    EXPECT_EQ(readlink_as(me, dir + "/root"), "/");
    auto listed = list(me, dir + "/fd");
    for (long fd : { file, directory, long(pipe_fds[0]), long(pipe_fds[1]) })
        EXPECT_TRUE(listed.count(std::to_string(fd))) << fd;
    // The VFS follows the link's text: the file opens by it.
    EXPECT_EQ(read_as(me, fds + std::to_string(file)), "hello");
    // getcwd inside /proc finds names by their inode numbers.
    ASSERT_EQ(husk_syscall_as(a, SYS_chdir, long((dir + "/fd").c_str()), 0, 0, 0, 0, 0), 0);
    char cwd[256] = {};
    ASSERT_GT(husk_syscall_as(a, SYS_getcwd, long(cwd), sizeof cwd, 0, 0, 0, 0), 0);
    EXPECT_EQ(std::string(cwd), dir + "/fd");
    // An unlinked file is "(deleted)", as on Linux.
    ASSERT_EQ(husk_syscall_as(a, SYS_unlink, long("/tmp/procfs-unit/data"), 0, 0, 0, 0, 0), 0);
    EXPECT_EQ(readlink_as(me, fds + std::to_string(file)), "/tmp/procfs-unit/data (deleted)");

    // A node open past its process's end fails with ESRCH, not a crash.
    long stat = husk_syscall(SYS_open, long((dir + "/stat").c_str()), O_RDONLY, 0, 0, 0, 0);
    ASSERT_GE(stat, 0);
    ASSERT_EQ(husk_process_destroy(a), 0);
    char buf[64];
    EXPECT_EQ(husk_syscall(SYS_read, stat, long(buf), sizeof buf, 0, 0, 0), -ESRCH);
    husk_syscall(SYS_close, stat, 0, 0, 0, 0, 0);
    husk_syscall(SYS_rmdir, long("/tmp/procfs-unit"), 0, 0, 0, 0, 0);
}

// A /proc/cpuinfo value: the line "KEY<tabs>: VALUE".
std::string cpuinfo_field(const std::string& text, const std::string& key)
{
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        size_t colon = line.find(": ");
        if (colon != std::string::npos && line.rfind(key, 0) == 0 && line.find_first_not_of('\t', key.size()) == colon)
            return line.substr(colon + 2);
    }
    return "missing";
}

// The CPUs as the hosted kernel shows them (one CPU, the host's CPUID):
// /proc/cpuinfo's block, /proc/stat's lines, /sys/devices/system/cpu.
TEST(Procfs, CpuFiles)
{
    boot_kernel();
    long me = husk_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    std::string cpuinfo = read_as(me, "/proc/cpuinfo");
    ASSERT_EQ(cpuinfo.rfind("processor\t: 0\nvendor_id\t: ", 0), 0u) << cpuinfo;
    EXPECT_EQ(cpuinfo.find("processor\t: 1"), std::string::npos);
    for (const char* key : { "cpu family", "model name", "cpu cores", "fpu", "flags", "bogomips", "address sizes" })
        EXPECT_NE(cpuinfo_field(cpuinfo, key), "missing") << key;
    EXPECT_NE(cpuinfo_field(cpuinfo, "flags").find(" sse2 "), std::string::npos);
    EXPECT_EQ(cpuinfo_field(cpuinfo, "siblings"), "1");
    EXPECT_EQ(cpuinfo.substr(cpuinfo.size() - 19), "power management:\n\n");

    std::string stat = read_as(me, "/proc/stat");
    auto lines = words(stat);
    ASSERT_GE(lines.size(), 22u) << stat;
    EXPECT_EQ(stat.rfind("cpu  ", 0), 0u) << stat;
    EXPECT_EQ(lines[11], "cpu0");
    EXPECT_EQ(stat.find("\ncpu1 "), std::string::npos);
    for (const char* key : { "\nctxt ", "\nbtime ", "\nprocesses ", "\nprocs_running ", "\nprocs_blocked 0\n" })
        EXPECT_NE(stat.find(key), std::string::npos) << key;

    EXPECT_EQ(read_as(me, "/sys/devices/system/cpu/online"), "0\n");
    EXPECT_EQ(read_as(me, "/sys/devices/system/cpu/possible"), "0\n");
    EXPECT_EQ(read_as(me, "/sys/devices/system/cpu/present"), "0\n");
    EXPECT_EQ(read_as(me, "/sys/devices/system/cpu/offline"), "\n");
    auto names = list(me, "/sys/devices/system/cpu");
    for (const char* n : { "cpu0", "online", "possible", "present", "offline" })
        EXPECT_TRUE(names.count(n)) << n;
    EXPECT_FALSE(names.count("cpu1"));
    // The boot CPU cannot go offline: no online file, as on Linux.
    EXPECT_EQ(read_as(me, "/sys/devices/system/cpu/cpu0/online"), "error " + std::to_string(ENOENT));
    EXPECT_EQ(list(me, "/sys").count("devices"), 1u);
}

namespace {
long call(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0)
{
    return husk_syscall(nr, a1, a2, a3, a4, a5, 0);
}

// The line of a mount table whose mount point (field `at`) is point.
std::string mount_line(const std::string& table, const std::string& point, size_t at)
{
    std::istringstream in(table);
    for (std::string line; std::getline(in, line);) {
        auto w = words(line);
        if (w.size() > at && w[at] == point)
            return line;
    }
    return "missing";
}
} // namespace

// meminfo's totals are sysinfo's, its layout Linux's; uptime, loadavg,
// version and filesystems in their formats.
TEST(Procfs, SystemFiles)
{
    boot_kernel();
    long me = call(SYS_getpid);
    std::string meminfo = read_as(me, "/proc/meminfo");
    struct sysinfo si {};
    ASSERT_EQ(call(SYS_sysinfo, long(&si)), 0);
    char first[64];
    snprintf(first, sizeof first, "MemTotal:       %8lu kB\nMemFree:        ", si.totalram / 1024);
    EXPECT_EQ(meminfo.rfind(first, 0), 0u) << meminfo;
    for (const char* line : { "\nSwapTotal:             0 kB\n", "\nHugePages_Total:       0\n",
                              "\nHardwareCorrupted:     0 kB\n", "\nHugepagesize:       2048 kB\n" })
        EXPECT_NE(meminfo.find(line), std::string::npos) << line;
    EXPECT_LT(meminfo.find("\nCached:"), meminfo.find("\nDirty:"));
    EXPECT_EQ(meminfo.substr(meminfo.size() - 28), "DirectMap1G:           0 kB\n");

    auto uptime = words(read_as(me, "/proc/uptime"));
    ASSERT_EQ(uptime.size(), 2u);
    EXPECT_EQ(uptime[0].find('.'), uptime[0].size() - 3);
    auto loadavg = words(read_as(me, "/proc/loadavg"));
    ASSERT_EQ(loadavg.size(), 5u);
    EXPECT_EQ(loadavg[0].find('.'), loadavg[0].size() - 3);
    EXPECT_NE(loadavg[3].find('/'), std::string::npos);

    struct utsname u {};
    ASSERT_EQ(call(SYS_uname, long(&u)), 0);
    EXPECT_EQ(read_as(me, "/proc/version").rfind(std::string("Linux version ") + u.release + " (", 0), 0u);
    std::string filesystems = read_as(me, "/proc/filesystems");
    for (const char* line : { "nodev\tproc\n", "nodev\ttmpfs\n", "\text2\n", "\tiso9660\n" })
        EXPECT_NE(filesystems.find(line), std::string::npos) << line;
}

// Mount tables: from the VFS's list, in mount order, with the source,
// options and escapes Linux shows; relative to a chrooted reader's root.
TEST(Procfs, MountTables)
{
    boot_kernel();
    long me = call(SYS_getpid);
    EXPECT_EQ(readlink_as(me, "/proc/mounts"), "self/mounts");
    std::string mounts = read_as(me, "/proc/mounts");
    EXPECT_EQ(mount_line(mounts, "/proc", 1), "proc /proc proc rw 0 0");
    EXPECT_NE(mount_line(mounts, "/", 1), "missing");
    EXPECT_EQ(mounts, read_as(me, "/proc/self/mounts"));

    ASSERT_EQ(call(SYS_mkdir, long("/tmp/mnt a"), 0755), 0);
    ASSERT_EQ(call(SYS_mount, long("my src"), long("/tmp/mnt a"), long("tmpfs"), MS_NOSUID | MS_NODEV | MS_RDONLY, 0),
              0);
    mounts = read_as(me, "/proc/mounts");
    EXPECT_EQ(mount_line(mounts, "/tmp/mnt\\040a", 1), "my\\040src /tmp/mnt\\040a tmpfs ro,nosuid,nodev 0 0");
    std::string info = read_as(me, "/proc/self/mountinfo");
    std::string line = mount_line(info, "/tmp/mnt\\040a", 4);
    auto w = words(line);
    ASSERT_EQ(w.size(), 10u) << line;
    struct stat st {};
    ASSERT_EQ(call(SYS_stat, long("/tmp/mnt a"), long(&st)), 0);
    EXPECT_EQ(w[2], std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev)));
    EXPECT_EQ(w[3], "/");
    EXPECT_EQ(w[5], "ro,nosuid,nodev");
    EXPECT_EQ(w[6], "-");
    EXPECT_EQ(w[7] + " " + w[8] + " " + w[9], "tmpfs my\\040src ro");
    auto root = words(mount_line(info, "/", 4));
    ASSERT_GE(root.size(), 2u);
    EXPECT_EQ(w[1], root[0]); // its parent is the root's mount
    // The last mounted comes last.
    EXPECT_EQ(info.substr(info.rfind('\n', info.size() - 2) + 1), line + "\n");

    // A process chrooted into the mount sees it as "/", and nothing outside.
    long a = husk_process_create("procfs-chroot");
    ASSERT_GT(a, 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_chroot, long("/tmp/mnt a"), 0, 0, 0, 0, 0), 0);
    std::string seen = read_as(me, "/proc/" + std::to_string(a) + "/mounts");
    EXPECT_EQ(seen, "my\\040src / tmpfs ro,nosuid,nodev 0 0\n");
    ASSERT_EQ(husk_process_destroy(a), 0);

    ASSERT_EQ(call(SYS_umount2, long("/tmp/mnt a"), 0), 0);
    EXPECT_EQ(mount_line(read_as(me, "/proc/mounts"), "/tmp/mnt\\040a", 1), "missing");
    ASSERT_EQ(call(SYS_rmdir, long("/tmp/mnt a")), 0);
}

// /proc/sys: uname's names (hostname writable by root), fresh UUIDs, one
// boot id, the values the kernel uses; read-only files refuse writes.
TEST(Procfs, Sysctl)
{
    boot_kernel();
    long me = call(SYS_getpid);
    struct utsname u {};
    ASSERT_EQ(call(SYS_uname, long(&u)), 0);
    EXPECT_EQ(read_as(me, "/proc/sys/kernel/hostname"), std::string(u.nodename) + "\n");
    EXPECT_EQ(read_as(me, "/proc/sys/kernel/osrelease"), std::string(u.release) + "\n");
    EXPECT_EQ(read_as(me, "/proc/sys/kernel/ostype"), "Linux\n");
    EXPECT_EQ(read_as(me, "/proc/sys/net/core/somaxconn"), "4096\n");
    EXPECT_EQ(read_as(me, "/proc/sys/fs/nr_open"), "1048576\n");
    EXPECT_EQ(read_as(me, "/proc/sys/vm/overcommit_memory"), "1\n");
    std::string a = read_as(me, "/proc/sys/kernel/random/uuid"), b = read_as(me, "/proc/sys/kernel/random/uuid");
    EXPECT_EQ(a.size(), 37u);
    EXPECT_EQ(a[14], '4');
    EXPECT_NE(a, b);
    EXPECT_EQ(read_as(me, "/proc/sys/kernel/random/boot_id"), read_as(me, "/proc/sys/kernel/random/boot_id"));
    auto names = list(me, "/proc/sys/kernel");
    for (const char* n : { "hostname", "domainname", "ostype", "osrelease", "version", "pid_max", "random" })
        EXPECT_TRUE(names.count(n)) << n;

    std::string old = u.nodename;
    long fd = call(SYS_open, long("/proc/sys/kernel/hostname"), O_WRONLY | O_TRUNC, 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(call(SYS_write, fd, long("sysctl-name\n"), 12), 12);
    call(SYS_close, fd);
    ASSERT_EQ(call(SYS_uname, long(&u)), 0);
    EXPECT_STREQ(u.nodename, "sysctl-name");
    ASSERT_EQ(call(SYS_sethostname, long(old.data()), long(old.size())), 0);

    fd = call(SYS_open, long("/proc/sys/kernel/ostype"), O_WRONLY, 0);
    long error = fd < 0 ? fd : call(SYS_write, fd, long("x\n"), 2);
    if (fd >= 0)
        call(SYS_close, fd);
    EXPECT_EQ(error, -EACCES);
}

// The load average follows Linux's arithmetic: one busy thread's first
// sample shows 0.08 a minute's load; a long busy spell reaches 1.00 in all
// three, as sysinfo's loads (1 << 16) do; idle brings them back to 0.
TEST(Procfs, LoadAverage)
{
    using husk::LoadAverage;
    boot_kernel();
    long me = call(SYS_getpid);
    for (int i = 0; i < 2000; ++i)
        LoadAverage::sample(0);
    EXPECT_EQ(read_as(me, "/proc/loadavg").substr(0, 15), "0.00 0.00 0.00 ");
    LoadAverage::sample(1);
    EXPECT_EQ(read_as(me, "/proc/loadavg").substr(0, 15), "0.08 0.02 0.01 ");
    for (int i = 0; i < 2000; ++i)
        LoadAverage::sample(1);
    EXPECT_EQ(read_as(me, "/proc/loadavg").substr(0, 15), "1.00 1.00 1.00 ");
    struct sysinfo si {};
    ASSERT_EQ(call(SYS_sysinfo, long(&si)), 0);
    EXPECT_EQ(si.loads[0], 1ul << 16);
    EXPECT_EQ(si.loads[2], 1ul << 16);
    for (int i = 0; i < 2000; ++i)
        LoadAverage::sample(0);
    EXPECT_EQ(read_as(me, "/proc/loadavg").substr(0, 15), "0.00 0.00 0.00 ");
}
