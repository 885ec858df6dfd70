// What husk ctl's commands share: the server kernel's calls, messages in
// coreutils' form, directory listing, host:/husk: path prefixes.
#pragma once

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>
#include <CLI/CLI.hpp>
#include "Client.h"

namespace husk::remote::ctl {

// The server kernel's side of the calls husk ctl's commands make: one
// system call each, with its buffers.
class Kernel {
public:
    explicit Kernel(Client& c) : m_c(c) {}
    long open(const std::string& p, int flags, int mode = 0)
    {
        return m_c.call(SYS_openat, { uint64_t(AT_FDCWD), 0, uint64_t(flags), uint64_t(mode) }, { path(1, p) });
    }
    long read(long fd, void* buf, size_t n) { return m_c.call(SYS_read, { uint64_t(fd), 0, n }, { { 1, kOut | kOutCount, buf, n } }); }
    long write(long fd, const void* buf, size_t n)
    {
        return m_c.call(SYS_write, { uint64_t(fd), 0, n }, { { 1, kIn, const_cast<void*>(buf), n } });
    }
    long close(long fd) { return m_c.call(SYS_close, { uint64_t(fd) }); }
    long lseek(long fd, long offset, int whence) { return m_c.call(SYS_lseek, { uint64_t(fd), uint64_t(offset), uint64_t(whence) }); }
    long fsync(long fd) { return m_c.call(SYS_fsync, { uint64_t(fd) }); }
    long ftruncate(long fd, long length) { return m_c.call(SYS_ftruncate, { uint64_t(fd), uint64_t(length) }); }
    long readlink(const std::string& p, char* buf, size_t n)
    {
        return m_c.call(SYS_readlinkat, { uint64_t(AT_FDCWD), 0, 0, n }, { path(1, p), { 2, kOut | kOutCount, buf, n } });
    }
    long stat(const std::string& p, struct stat* st, bool follow = false)
    {
        return m_c.call(SYS_newfstatat, { uint64_t(AT_FDCWD), 0, 0, uint64_t(follow ? 0 : AT_SYMLINK_NOFOLLOW) },
                        { path(1, p), { 2, kOut, st, sizeof *st } });
    }
    long getdents(long fd, void* buf, size_t n)
    {
        return m_c.call(SYS_getdents64, { uint64_t(fd), 0, n }, { { 1, kOut | kOutCount, buf, n } });
    }
    long mkdir(const std::string& p, int mode) { return m_c.call(SYS_mkdirat, { uint64_t(AT_FDCWD), 0, uint64_t(mode) }, { path(1, p) }); }
    long unlink(const std::string& p, int flags) { return m_c.call(SYS_unlinkat, { uint64_t(AT_FDCWD), 0, uint64_t(flags) }, { path(1, p) }); }
    long rename(const std::string& a, const std::string& b)
    {
        return m_c.call(SYS_renameat, { uint64_t(AT_FDCWD), 0, uint64_t(AT_FDCWD), 0 }, { path(1, a), path(3, b) });
    }
    long symlink(const std::string& target, const std::string& p)
    {
        return m_c.call(SYS_symlinkat, { 0, uint64_t(AT_FDCWD), 0 }, { path(0, target), path(2, p) });
    }
    long link(const std::string& a, const std::string& b)
    {
        return m_c.call(SYS_linkat, { uint64_t(AT_FDCWD), 0, uint64_t(AT_FDCWD), 0, 0 }, { path(1, a), path(3, b) });
    }
    long chmod(const std::string& p, int mode) { return m_c.call(SYS_fchmodat, { uint64_t(AT_FDCWD), 0, uint64_t(mode) }, { path(1, p) }); }
    long touch(const std::string& p) { return m_c.call(SYS_utimensat, { uint64_t(AT_FDCWD), 0, 0, 0 }, { path(1, p) }); }
    long statfs(const std::string& p, struct statfs* s) { return m_c.call(SYS_statfs, { 0, 0 }, { path(0, p), { 1, kOut, s, sizeof *s } }); }
    long syslog(char* buf, size_t n) { return m_c.call(SYS_syslog, { 3, 0, n }, { { 1, kOut | kOutCount, buf, n } }); }
    long mount(const std::string& dev, const std::string& dir, const std::string& type, unsigned long flags)
    {
        return m_c.call(SYS_mount, { 0, 0, 0, flags, 0 }, { path(0, dev), path(1, dir), path(2, type) });
    }
    long umount(const std::string& dir) { return m_c.call(SYS_umount2, { 0, 0 }, { path(0, dir) }); }
    long sysinfo(struct sysinfo* info) { return m_c.call(SYS_sysinfo, { 0 }, { { 0, kOut, info, sizeof *info } }); }
    long sync() { return m_c.call(SYS_sync, {}); }
    long socket(int domain, int type) { return m_c.call(SYS_socket, { uint64_t(domain), uint64_t(type), 0 }); }
    // An ioctl whose argument is a structure the kernel reads and writes.
    long ioctl(long fd, unsigned long request, void* arg, size_t size)
    {
        return m_c.call(SYS_ioctl, { uint64_t(fd), request, 0 }, { { 2, kIn | kOut, arg, size } });
    }
    long halt() { return m_c.call(kOpHalt, {}); }

private:
    static Client::Buffer path(unsigned arg, const std::string& p)
    {
        return { arg, kIn, const_cast<char*>(p.c_str()), p.size() + 1 };
    }
    Client& m_c;
};

// "husk ctl: CMD: WHAT: strerror"; returns 1 (the exit status).
int complain(const std::string& what, long error);
// Directory entries (names), sorted bytewise as coreutils does in the C locale.
long list(Kernel& k, const std::string& dir, std::vector<std::string>& names);
// A file on either side: "host:PATH" is the host's, anything else
// (or "husk:PATH") the kernel's.
bool is_host(const std::string& p);
std::string strip(const std::string& p);

// One end of a copy (cp, dd): a host descriptor or one in the server.
// Results are counts or negative errnos on both.
struct End {
    Kernel& k;
    bool host;
    long fd;
    long host_result(long r) const { return r < 0 ? -errno : r; }
    // Opens path on this end's side into fd; the result as above.
    long open(const std::string& path, int flags, int mode = 0)
    {
        fd = host ? host_result(::open(path.c_str(), flags, mode)) : k.open(path, flags, mode);
        return fd;
    }
    long read(void* buf, size_t n) { return host ? host_result(::read(int(fd), buf, n)) : k.read(fd, buf, n); }
    long write(const void* buf, size_t n) { return host ? host_result(::write(int(fd), buf, n)) : k.write(fd, buf, n); }
    long seek(long offset) { return host ? host_result(::lseek(int(fd), offset, SEEK_SET)) : k.lseek(fd, offset, SEEK_SET); }
    long truncate(long length) { return host ? host_result(::ftruncate(int(fd), length)) : k.ftruncate(fd, length); }
    long sync() { return host ? host_result(::fsync(int(fd))) : k.fsync(fd); }
    long close() { return host ? host_result(::close(int(fd))) : k.close(fd); }
};

struct ListOptions {
    bool all = false, long_format = false, directories_as_files = false; // -a, -l, -d
};
int cmd_ls(Kernel& k, const ListOptions& options, std::vector<std::string> paths);
// dd's operands (KEY=VALUE), each checked first by dd_operand_problem ("" or
// what is wrong, as coreutils says it).
int cmd_dd(Kernel& k, const std::vector<std::string>& operands);
std::string dd_operand_problem(std::string& operand);
int cmd_ifconfig(Kernel& k, const std::vector<std::string>& args);
int cmd_route(Kernel& k, const std::vector<std::string>& args);

} // namespace husk::remote::ctl
