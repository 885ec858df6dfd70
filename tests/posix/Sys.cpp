#include "Sys.h"
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <set>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace posix {

namespace {

std::string errno_text(long r)
{
    const char* name = strerrorname_np(int(-r));
    return name ? name : "E" + std::to_string(-r);
}

std::string escape(const char* data, size_t n)
{
    std::string out = "\"";
    for (size_t i = 0; i < n; ++i) {
        unsigned char c = static_cast<unsigned char>(data[i]);
        if (c >= 32 && c < 127 && c != '"' && c != '\\')
            out += char(c);
        else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    return out + "\"";
}

// Large reads: an FNV-1a digest of the bytes instead of the bytes.
std::string digest(const char* data, size_t n)
{
    uint64_t fnv = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; ++i)
        fnv = (fnv ^ uint8_t(data[i])) * 0x100000001b3ull;
    char text[32];
    std::snprintf(text, sizeof text, "fnv1a %016llx", (unsigned long long)fnv);
    return text;
}

std::string type_of(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFREG: return "reg";
    case S_IFDIR: return "dir";
    case S_IFLNK: return "lnk";
    case S_IFIFO: return "fifo";
    case S_IFCHR: return "chr";
    case S_IFBLK: return "blk";
    case S_IFSOCK: return "sock";
    }
    return "?";
}

std::string octal(long v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "0%lo", v);
    return buf;
}

std::string hex(unsigned v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%#x", v);
    return buf;
}

} // namespace

Sys::Sys(Backend& backend, std::string root) : m_backend(backend), m_root(std::move(root))
{
    // The lowest free descriptor now is "fd+0" for this scenario.
    long probe = m_backend.syscall(SYS_dup, 0);
    m_base_fd = int(probe);
    if (probe >= 0)
        m_backend.syscall(SYS_close, probe);
}

Sys::~Sys()
{
    for (int fd : m_opened)
        m_backend.syscall(SYS_close, fd);
    if (m_saved_nofile[0] >= 0) {
        struct rlimit saved { rlim_t(m_saved_nofile[0]), rlim_t(m_saved_nofile[1]) };
        m_backend.syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, long(&saved), 0);
    }
}

long Sys::call(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    return m_backend.syscall(nr, a1, a2, a3, a4, a5, a6);
}

std::string Sys::fd_name(long fd) const
{
    if (fd >= m_base_fd && fd < m_base_fd + 4096)
        return "fd+" + std::to_string(fd - m_base_fd);
    return std::to_string(fd);
}

std::string Sys::quote(const char* s) const { return s ? escape(s, std::strlen(s)) : "NULL"; }

void Sys::note(const std::string& what) { m_trace.push_back("note: " + what); }

void Sys::record(const std::string& what, long result, bool returns_fd, const std::string& extra)
{
    std::string r;
    if (result < 0)
        r = errno_text(result);
    else if (returns_fd) {
        r = fd_name(result);
        m_opened.push_back(int(result));
    } else
        r = std::to_string(result);
    m_trace.push_back(what + " = " + r + (extra.empty() || result < 0 ? "" : " " + extra));
}

bool& Sys::directory_links_traced()
{
    static bool traced = true;
    return traced;
}

std::string Sys::describe_stat() const
{
    const struct stat& s = m_stat;
    std::string d = "{" + type_of(s.st_mode) + " " + octal(s.st_mode & 07777) + " nlink="
                    + (S_ISDIR(s.st_mode) && !directory_links_traced() ? "?" : std::to_string(s.st_nlink));
    if (S_ISREG(s.st_mode) || S_ISLNK(s.st_mode))
        d += " size=" + std::to_string(s.st_size);
    if (S_ISREG(s.st_mode)) {
        // Allocation differs between file systems; its relation to size does not.
        long long bytes = (long long)s.st_blocks * 512;
        d += bytes == 0 ? " blocks=none" : bytes >= s.st_size ? " blocks>=size" : " blocks<size";
    }
    d += " uid=" + std::to_string(s.st_uid) + " gid=" + std::to_string(s.st_gid);
    if (S_ISCHR(s.st_mode))
        d += " rdev=" + std::to_string(major(s.st_rdev)) + ":" + std::to_string(minor(s.st_rdev));
    return d + "}";
}

void Sys::record_stat(const std::string& what, long result) { record(what, result, false, result == 0 ? describe_stat() : ""); }

long Sys::open(const char* path, int flags, int mode)
{
    long r = call(SYS_open, long(path), flags, mode);
    record("open(" + quote(path) + ", " + octal(flags) + ", " + octal(mode) + ")", r, true);
    return r;
}

long Sys::openat(int dirfd, const char* path, int flags, int mode)
{
    long r = call(SYS_openat, dirfd, long(path), flags, mode);
    record("openat(" + fd_name(dirfd) + ", " + quote(path) + ", " + octal(flags) + ", " + octal(mode) + ")", r, true);
    return r;
}

long Sys::creat(const char* path, int mode)
{
    long r = call(SYS_creat, long(path), mode);
    record("creat(" + quote(path) + ", " + octal(mode) + ")", r, true);
    return r;
}

long Sys::close(int fd)
{
    long r = call(SYS_close, fd);
    if (r == 0)
        m_opened.erase(std::remove(m_opened.begin(), m_opened.end(), fd), m_opened.end());
    record("close(" + fd_name(fd) + ")", r);
    return r;
}

long Sys::read(int fd, size_t n)
{
    std::string buf(n, '\0');
    long r = call(SYS_read, fd, long(buf.data()), long(n));
    record("read(" + fd_name(fd) + ", " + std::to_string(n) + ")", r, false, r > 0 ? escape(buf.data(), size_t(r)) : "");
    return r;
}

long Sys::write(int fd, const std::string& data)
{
    long r = call(SYS_write, fd, long(data.data()), long(data.size()));
    record("write(" + fd_name(fd) + ", " + std::to_string(data.size()) + " bytes)", r);
    return r;
}

long Sys::pread_digest(int fd, size_t n, long offset) { return pread_shown(fd, n, offset, digest); }

long Sys::pread(int fd, size_t n, long offset) { return pread_shown(fd, n, offset, escape); }

long Sys::pread_shown(int fd, size_t n, long offset, std::string (*show)(const char*, size_t))
{
    std::string buf(n, '\0');
    long r = call(SYS_pread64, fd, long(buf.data()), long(n), offset);
    record("pread(" + fd_name(fd) + ", " + std::to_string(n) + ", " + std::to_string(offset) + ")", r, false,
           r > 0 ? show(buf.data(), size_t(r)) : "");
    return r;
}

long Sys::pwrite(int fd, const std::string& data, long offset)
{
    long r = call(SYS_pwrite64, fd, long(data.data()), long(data.size()), offset);
    record("pwrite(" + fd_name(fd) + ", " + std::to_string(data.size()) + " bytes, " + std::to_string(offset) + ")", r);
    return r;
}

long Sys::readv(int fd, std::vector<size_t> sizes)
{
    std::vector<std::string> bufs;
    std::vector<iovec> iov;
    for (size_t s : sizes)
        bufs.emplace_back(s, '\0');
    for (auto& b : bufs)
        iov.push_back({ b.data(), b.size() });
    long r = call(SYS_readv, fd, long(iov.data()), long(iov.size()));
    std::string got;
    long left = r;
    for (auto& b : bufs) {
        size_t take = left > 0 ? std::min<size_t>(size_t(left), b.size()) : 0;
        got += escape(b.data(), take) + " ";
        left -= long(take);
    }
    record("readv(" + fd_name(fd) + ", " + std::to_string(sizes.size()) + " iovecs)", r, false, got);
    return r;
}

long Sys::writev(int fd, std::vector<std::string> parts)
{
    std::vector<iovec> iov;
    for (auto& p : parts)
        iov.push_back({ p.data(), p.size() });
    long r = call(SYS_writev, fd, long(iov.data()), long(iov.size()));
    record("writev(" + fd_name(fd) + ", " + std::to_string(parts.size()) + " iovecs)", r);
    return r;
}

long Sys::lseek(int fd, long offset, int whence)
{
    long r = call(SYS_lseek, fd, offset, whence);
    record("lseek(" + fd_name(fd) + ", " + std::to_string(offset) + ", " + std::to_string(whence) + ")", r);
    return r;
}

long Sys::truncate(const char* path, long length)
{
    long r = call(SYS_truncate, long(path), length);
    record("truncate(" + quote(path) + ", " + std::to_string(length) + ")", r);
    return r;
}

long Sys::ftruncate(int fd, long length)
{
    long r = call(SYS_ftruncate, fd, length);
    record("ftruncate(" + fd_name(fd) + ", " + std::to_string(length) + ")", r);
    return r;
}

long Sys::fsync(int fd)
{
    long r = call(SYS_fsync, fd);
    record("fsync(" + fd_name(fd) + ")", r);
    return r;
}

long Sys::fdatasync(int fd)
{
    long r = call(SYS_fdatasync, fd);
    record("fdatasync(" + fd_name(fd) + ")", r);
    return r;
}

void Sys::put(const char* path, const std::string& data, int mode)
{
    long fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
    if (fd < 0)
        return;
    write(int(fd), data);
    close(int(fd));
}

std::string Sys::get(const char* path)
{
    long fd = open(path, O_RDONLY);
    if (fd < 0)
        return {};
    std::string all;
    char buf[4096];
    long n;
    while ((n = call(SYS_read, fd, long(buf), sizeof buf)) > 0)
        all.append(buf, size_t(n));
    record("read-all(" + fd_name(fd) + ")", n < 0 ? n : long(all.size()), false, escape(all.data(), all.size()));
    close(int(fd));
    return all;
}

long Sys::stat(const char* path)
{
    long r = call(SYS_stat, long(path), long(&m_stat));
    record_stat("stat(" + quote(path) + ")", r);
    return r;
}

struct stat Sys::quiet_stat(const char* path)
{
    struct stat st {};
    call(SYS_stat, long(path), long(&st));
    return st;
}

long Sys::lstat(const char* path)
{
    long r = call(SYS_lstat, long(path), long(&m_stat));
    record_stat("lstat(" + quote(path) + ")", r);
    return r;
}

long Sys::fstat(int fd)
{
    long r = call(SYS_fstat, fd, long(&m_stat));
    record_stat("fstat(" + fd_name(fd) + ")", r);
    return r;
}

long Sys::fstatat(int dirfd, const char* path, int flags)
{
    long r = call(SYS_newfstatat, dirfd, long(path), long(&m_stat), flags);
    record_stat("fstatat(" + fd_name(dirfd) + ", " + quote(path) + ", " + octal(flags) + ")", r);
    return r;
}

long Sys::statx(int dirfd, const char* path, int flags)
{
    struct statx x {};
    long r = call(SYS_statx, dirfd, long(path), flags, STATX_BASIC_STATS, long(&x));
    std::string extra;
    if (r == 0) {
        m_stat = {};
        m_stat.st_mode = x.stx_mode;
        m_stat.st_nlink = x.stx_nlink;
        m_stat.st_size = off_t(x.stx_size);
        m_stat.st_blocks = blkcnt_t(x.stx_blocks);
        m_stat.st_uid = x.stx_uid;
        m_stat.st_gid = x.stx_gid;
        m_stat.st_rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
        extra = describe_stat() + ((x.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS ? " basic" : " partial");
    }
    record("statx(" + fd_name(dirfd) + ", " + quote(path) + ", " + octal(flags) + ")", r, false, extra);
    return r;
}

long Sys::access(const char* path, int mode)
{
    long r = call(SYS_access, long(path), mode);
    record("access(" + quote(path) + ", " + std::to_string(mode) + ")", r);
    return r;
}

long Sys::faccessat(int dirfd, const char* path, int mode, int flags)
{
    long r = call(SYS_faccessat2, dirfd, long(path), mode, flags);
    record("faccessat2(" + fd_name(dirfd) + ", " + quote(path) + ", " + std::to_string(mode) + ", " + octal(flags) + ")", r);
    return r;
}

long Sys::chmod(const char* path, int mode)
{
    long r = call(SYS_chmod, long(path), mode);
    record("chmod(" + quote(path) + ", " + octal(mode) + ")", r);
    return r;
}

long Sys::fchmod(int fd, int mode)
{
    long r = call(SYS_fchmod, fd, mode);
    record("fchmod(" + fd_name(fd) + ", " + octal(mode) + ")", r);
    return r;
}

long Sys::fchmodat(int dirfd, const char* path, int mode)
{
    long r = call(SYS_fchmodat, dirfd, long(path), mode);
    record("fchmodat(" + fd_name(dirfd) + ", " + quote(path) + ", " + octal(mode) + ")", r);
    return r;
}

long Sys::chown(const char* path, long uid, long gid)
{
    long r = call(SYS_chown, long(path), uid, gid);
    record("chown(" + quote(path) + ", " + std::to_string(uid) + ", " + std::to_string(gid) + ")", r);
    return r;
}

long Sys::lchown(const char* path, long uid, long gid)
{
    long r = call(SYS_lchown, long(path), uid, gid);
    record("lchown(" + quote(path) + ", " + std::to_string(uid) + ", " + std::to_string(gid) + ")", r);
    return r;
}

long Sys::fchown(int fd, long uid, long gid)
{
    long r = call(SYS_fchown, fd, uid, gid);
    record("fchown(" + fd_name(fd) + ", " + std::to_string(uid) + ", " + std::to_string(gid) + ")", r);
    return r;
}

long Sys::umask(int mask)
{
    long r = call(SYS_umask, mask);
    record("umask(" + octal(mask) + ")", r, false);
    return r;
}

long Sys::utimensat(int dirfd, const char* path, long as, long ans, long ms, long mns, int flags)
{
    struct timespec t[2] = { { as, ans }, { ms, mns } };
    long r = call(SYS_utimensat, dirfd, long(path), long(t), flags);
    record("utimensat(" + fd_name(dirfd) + ", " + quote(path) + ", {" + std::to_string(as) + "." + std::to_string(ans) + ", " +
               std::to_string(ms) + "." + std::to_string(mns) + "}, " + octal(flags) + ")",
           r);
    if (r == 0 && path) {
        // Report what the file now says.
        struct stat st {};
        long s = call(SYS_newfstatat, dirfd, long(path), long(&st), flags & AT_SYMLINK_NOFOLLOW);
        if (s == 0)
            note("times " + std::to_string(st.st_atim.tv_sec) + "." + std::to_string(st.st_atim.tv_nsec) + " " +
                 std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
    }
    return r;
}

long Sys::utimensat_now(int dirfd, const char* path, int flags)
{
    long r = call(SYS_utimensat, dirfd, long(path), 0, flags);
    record("utimensat(" + fd_name(dirfd) + ", " + quote(path) + ", NULL, " + octal(flags) + ")", r);
    return r;
}

long Sys::statfs(const char* path)
{
    struct statfs s {};
    long r = call(SYS_statfs, long(path), long(&s));
    record("statfs(" + quote(path) + ")", r, false, r == 0 ? "namelen=" + std::to_string(s.f_namelen) : "");
    return r;
}

long Sys::fstatfs(int fd)
{
    struct statfs s {};
    long r = call(SYS_fstatfs, fd, long(&s));
    record("fstatfs(" + fd_name(fd) + ")", r, false, r == 0 ? "namelen=" + std::to_string(s.f_namelen) : "");
    return r;
}

long Sys::readlink(const char* path, size_t size)
{
    std::string buf(size, '\0');
    long r = call(SYS_readlink, long(path), long(buf.data()), long(size));
    record("readlink(" + quote(path) + ", " + std::to_string(size) + ")", r, false, r > 0 ? escape(buf.data(), size_t(r)) : "");
    return r;
}

long Sys::readlinkat(int dirfd, const char* path, size_t size)
{
    std::string buf(size, '\0');
    long r = call(SYS_readlinkat, dirfd, long(path), long(buf.data()), long(size));
    record("readlinkat(" + fd_name(dirfd) + ", " + quote(path) + ", " + std::to_string(size) + ")", r, false,
           r > 0 ? escape(buf.data(), size_t(r)) : "");
    return r;
}

#define PATH_CALL(label, nr, path, ...)                 \
    long r = call(nr, long(path), ##__VA_ARGS__);       \
    record(std::string(label) + "(" + quote(path) + ")", r); \
    return r

long Sys::mkdir(const char* path, int mode)
{
    long r = call(SYS_mkdir, long(path), mode);
    record("mkdir(" + quote(path) + ", " + octal(mode) + ")", r);
    return r;
}

long Sys::mkdirat(int dirfd, const char* path, int mode)
{
    long r = call(SYS_mkdirat, dirfd, long(path), mode);
    record("mkdirat(" + fd_name(dirfd) + ", " + quote(path) + ", " + octal(mode) + ")", r);
    return r;
}

long Sys::rmdir(const char* path) { PATH_CALL("rmdir", SYS_rmdir, path); }
long Sys::unlink(const char* path) { PATH_CALL("unlink", SYS_unlink, path); }
long Sys::chdir(const char* path) { PATH_CALL("chdir", SYS_chdir, path); }

long Sys::unlinkat(int dirfd, const char* path, int flags)
{
    long r = call(SYS_unlinkat, dirfd, long(path), flags);
    record("unlinkat(" + fd_name(dirfd) + ", " + quote(path) + ", " + octal(flags) + ")", r);
    return r;
}

long Sys::rename(const char* from, const char* to)
{
    long r = call(SYS_rename, long(from), long(to));
    record("rename(" + quote(from) + ", " + quote(to) + ")", r);
    return r;
}

long Sys::renameat(int fromfd, const char* from, int tofd, const char* to)
{
    long r = call(SYS_renameat, fromfd, long(from), tofd, long(to));
    record("renameat(" + fd_name(fromfd) + ", " + quote(from) + ", " + fd_name(tofd) + ", " + quote(to) + ")", r);
    return r;
}

long Sys::renameat2(int fromfd, const char* from, int tofd, const char* to, unsigned flags)
{
    long r = call(SYS_renameat2, fromfd, long(from), tofd, long(to), flags);
    record("renameat2(" + fd_name(fromfd) + ", " + quote(from) + ", " + fd_name(tofd) + ", " + quote(to) + ", " +
               std::to_string(flags) + ")",
           r);
    return r;
}

long Sys::link(const char* from, const char* to)
{
    long r = call(SYS_link, long(from), long(to));
    record("link(" + quote(from) + ", " + quote(to) + ")", r);
    return r;
}

long Sys::linkat(int fromfd, const char* from, int tofd, const char* to, int flags)
{
    long r = call(SYS_linkat, fromfd, long(from), tofd, long(to), flags);
    record("linkat(" + fd_name(fromfd) + ", " + quote(from) + ", " + fd_name(tofd) + ", " + quote(to) + ", " + octal(flags) + ")", r);
    return r;
}

long Sys::symlink(const char* target, const char* path)
{
    long r = call(SYS_symlink, long(target), long(path));
    record("symlink(" + quote(target) + ", " + quote(path) + ")", r);
    return r;
}

long Sys::symlinkat(const char* target, int dirfd, const char* path)
{
    long r = call(SYS_symlinkat, long(target), dirfd, long(path));
    record("symlinkat(" + quote(target) + ", " + fd_name(dirfd) + ", " + quote(path) + ")", r);
    return r;
}

long Sys::mknod(const char* path, int mode)
{
    long r = call(SYS_mknod, long(path), mode, 0);
    record("mknod(" + quote(path) + ", " + octal(mode) + ")", r);
    return r;
}

long Sys::fchdir(int fd)
{
    long r = call(SYS_fchdir, fd);
    record("fchdir(" + fd_name(fd) + ")", r);
    return r;
}

long Sys::getcwd(size_t size)
{
    std::string buf(size + 1, '\0');
    long r = call(SYS_getcwd, long(buf.data()), long(size));
    std::string path = r > 0 ? std::string(buf.c_str()) : "";
    if (path.rfind(m_root, 0) == 0)
        path = "<work>" + path.substr(m_root.size());
    record("getcwd(" + std::to_string(size) + ")", r > 0 ? 0 : r, false, path);
    return r;
}

long Sys::getdents_once(int fd, size_t bufsize)
{
    std::vector<char> buf(bufsize);
    long r = call(SYS_getdents64, fd, long(buf.data()), long(bufsize));
    record("getdents64(" + fd_name(fd) + ", " + std::to_string(bufsize) + ")", r < 0 ? r : (r > 0 ? 1 : 0), false, r > 0 ? "(some)" : "");
    return r;
}

long Sys::getdents(int fd, size_t bufsize)
{
    std::vector<char> buf(bufsize);
    std::vector<std::string> names;
    std::set<std::string> seen;
    bool duplicate = false;
    long r;
    int calls = 0;
    while ((r = call(SYS_getdents64, fd, long(buf.data()), long(bufsize))) > 0) {
        ++calls;
        for (long at = 0; at < r;) {
            auto* reclen = reinterpret_cast<unsigned short*>(buf.data() + at + 16);
            unsigned char type = static_cast<unsigned char>(buf[size_t(at) + 18]);
            std::string name(buf.data() + at + 19);
            duplicate |= !seen.insert(name).second;
            names.push_back(name + ":" + std::to_string(type));
            at += *reclen;
        }
    }
    std::sort(names.begin(), names.end());
    std::string all;
    for (auto& n : names)
        all += n + " ";
    record("getdents64-all(" + fd_name(fd) + ", " + std::to_string(bufsize) + ")", r < 0 ? r : long(names.size()), false,
           all + (duplicate ? "DUPLICATES" : "unique") + (calls > 1 ? " multi" : " single"));
    return r < 0 ? r : long(names.size());
}

long Sys::list(const char* path, size_t bufsize)
{
    long fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fd;
    long n = getdents(int(fd), bufsize);
    close(int(fd));
    return n;
}

long Sys::dup(int fd)
{
    long r = call(SYS_dup, fd);
    record("dup(" + fd_name(fd) + ")", r, true);
    return r;
}

long Sys::dup2(int fd, int to)
{
    long r = call(SYS_dup2, fd, to);
    record("dup2(" + fd_name(fd) + ", " + fd_name(to) + ")", r, true);
    return r;
}

long Sys::dup3(int fd, int to, int flags)
{
    long r = call(SYS_dup3, fd, to, flags);
    record("dup3(" + fd_name(fd) + ", " + fd_name(to) + ", " + octal(flags) + ")", r, true);
    return r;
}

long Sys::fcntl(int fd, int cmd, long arg)
{
    long r = call(SYS_fcntl, fd, cmd, arg);
    bool dups = cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
    record("fcntl(" + fd_name(fd) + ", " + std::to_string(cmd) + ", " + (dups ? fd_name(arg) : octal(arg)) + ")", r, dups,
           "");
    if (!dups && r >= 0 && cmd == F_GETFL)
        m_trace.back() += " (" + octal(r) + ")";
    return r;
}

long Sys::flock(int fd, int operation)
{
    long r = call(SYS_flock, fd, operation);
    record("flock(" + fd_name(fd) + ", " + std::to_string(operation) + ")", r, false, "");
    return r;
}

long Sys::set_nofile(long soft, long hard)
{
    struct rlimit old {};
    call(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, long(&old));
    if (m_saved_nofile[0] < 0) {
        m_saved_nofile[0] = long(old.rlim_cur);
        m_saved_nofile[1] = long(old.rlim_max);
    }
    struct rlimit want { soft < 0 ? old.rlim_cur : rlim_t(soft), hard < 0 ? old.rlim_max : rlim_t(hard) };
    long r = call(SYS_prlimit64, 0, RLIMIT_NOFILE, long(&want), 0);
    struct rlimit now {};
    call(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, long(&now));
    record("prlimit64(RLIMIT_NOFILE, " + (soft < 0 ? std::string("same") : fd_name(soft)) + ", " +
               (hard < 0 ? std::string("same") : fd_name(hard)) + ")",
           r);
    m_trace.back() += " soft now " + fd_name(long(now.rlim_cur));
    return r;
}

namespace {
// A sockaddr for domain from text and a port; its length.
socklen_t make_address(int domain, const char* text, int port, sockaddr_storage& out)
{
    out = {};
    if (domain == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&out);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(uint16_t(port));
        inet_pton(AF_INET6, text, &a->sin6_addr);
        return sizeof *a;
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&out);
    a->sin_family = uint16_t(domain);
    a->sin_port = htons(uint16_t(port));
    inet_pton(AF_INET, text, &a->sin_addr);
    return sizeof *a;
}

// Abstract AF_UNIX names carry this prefix on the wire (the host's abstract
// namespace is shared by every process of the machine); traces omit it.
std::string abstract_prefix() { return "husk-posix-" + std::to_string(getpid()) + "-"; }

std::string describe_unix(const sockaddr_storage& a, socklen_t length)
{
    auto* un = reinterpret_cast<const sockaddr_un*>(&a);
    if (length <= sizeof(sa_family_t))
        return "unix unnamed len=" + std::to_string(length);
    size_t path = length - sizeof(sa_family_t);
    if (un->sun_path[0] != 0)
        return "unix \"" + std::string(un->sun_path, strnlen(un->sun_path, path)) + "\" len=" + std::to_string(length);
    std::string name(un->sun_path + 1, path - 1);
    std::string prefix = abstract_prefix();
    if (name.rfind(prefix, 0) == 0)
        name = name.substr(prefix.size());
    else if (name.size() == 5 && name.find_first_not_of("0123456789abcdef") == std::string::npos)
        name = "<autobind>";
    return "unix @" + name + " len=" + std::to_string(length);
}

std::string describe_address(const sockaddr_storage& a, socklen_t length)
{
    if (a.ss_family == AF_UNIX)
        return describe_unix(a, length);
    char text[64] = "?";
    int port = 0;
    std::string family;
    if (a.ss_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(&a);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
        family = "inet";
    } else if (a.ss_family == AF_INET6) {
        auto* in = reinterpret_cast<const sockaddr_in6*>(&a);
        inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof text);
        port = ntohs(in->sin6_port);
        family = "inet6";
    } else {
        family = "family " + std::to_string(a.ss_family);
    }
    return family + " " + text + (port ? " port>0" : " port=0") + " len=" + std::to_string(length);
}
} // namespace

namespace {
socklen_t unix_address(const std::string& name, sockaddr_un& a)
{
    a = {};
    a.sun_family = AF_UNIX;
    if (name.empty())
        return sizeof(sa_family_t);
    std::string path = name[0] == '@' ? std::string(1, '\0') + abstract_prefix() + name.substr(1) : name;
    memcpy(a.sun_path, path.data(), std::min(path.size(), sizeof a.sun_path));
    if (name[0] == '@')
        return socklen_t(sizeof(sa_family_t) + path.size());
    return socklen_t(sizeof(sa_family_t) + std::min(path.size() + 1, sizeof a.sun_path));
}
} // namespace

long Sys::bind_unix(int fd, const std::string& name)
{
    sockaddr_un a;
    socklen_t n = unix_address(name, a);
    long r = call(SYS_bind, fd, long(&a), n);
    record("bind_unix(" + fd_name(fd) + ", \"" + name + "\")", r);
    return r;
}

long Sys::connect_unix(int fd, const std::string& name)
{
    sockaddr_un a;
    socklen_t n = unix_address(name, a);
    long r = call(SYS_connect, fd, long(&a), n);
    record("connect_unix(" + fd_name(fd) + ", \"" + name + "\")", r);
    return r;
}

long Sys::sendto_unix(int fd, const std::string& data, const std::string& name, int flags)
{
    sockaddr_un a;
    socklen_t n = unix_address(name, a);
    long r = call(SYS_sendto, fd, long(data.data()), long(data.size()), flags, long(&a), n);
    record("sendto_unix(" + fd_name(fd) + ", " + std::to_string(data.size()) + " bytes, \"" + name + "\", " + octal(flags) + ")", r);
    return r;
}

std::pair<int, int> Sys::socketpair(int domain, int type, int protocol)
{
    int fds[2] = { -1, -1 };
    long r = call(SYS_socketpair, domain, type, protocol, long(fds));
    record("socketpair(" + std::to_string(domain) + ", " + octal(type) + ", " + std::to_string(protocol) + ")", r, false,
           r == 0 ? fd_name(fds[0]) + " " + fd_name(fds[1]) : "");
    if (r != 0)
        return { -1, -1 };
    m_opened.push_back(fds[0]);
    m_opened.push_back(fds[1]);
    return { fds[0], fds[1] };
}

long Sys::recvmsg(int fd, size_t n, int flags)
{
    std::string buf(n ? n : 1, '\0');
    sockaddr_storage a {};
    iovec v { buf.data(), n };
    msghdr m {};
    m.msg_name = &a;
    m.msg_namelen = sizeof a;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    long r = call(SYS_recvmsg, fd, long(&m), flags);
    record("recvmsg(" + fd_name(fd) + ", " + std::to_string(n) + ", " + octal(flags) + ")", r, false,
           r >= 0 ? escape(buf.data(), size_t(std::min<long>(r, long(n)))) + " from " + describe_address(a, m.msg_namelen) +
                   " flags " + octal(m.msg_flags)
                  : "");
    return r;
}

long Sys::sendmsg_fds(int fd, const std::string& data, const std::vector<int>& fds, int flags)
{
    std::vector<uint64_t> control((CMSG_SPACE(sizeof(int) * fds.size()) + 7) / 8, 0);
    iovec v { const_cast<char*>(data.data()), data.size() };
    msghdr m {};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control.data();
    m.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    if (!fds.empty()) // an empty vector's data() may be null, which memcpy may not take
        std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    long r = call(SYS_sendmsg, fd, long(&m), flags);
    std::string names;
    for (int passed : fds)
        names += (names.empty() ? "" : " ") + fd_name(passed);
    record("sendmsg(" + fd_name(fd) + ", " + std::to_string(data.size()) + " bytes, SCM_RIGHTS [" + names + "], " +
               octal(flags) + ")",
           r);
    return r;
}

long Sys::recvmsg_fds(int fd, size_t n, size_t room, int flags, std::vector<int>* fds)
{
    std::string buf(n ? n : 1, '\0');
    std::vector<uint64_t> control((room + 7) / 8 + 1, 0);
    iovec v { buf.data(), n };
    msghdr m {};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = room ? control.data() : nullptr;
    m.msg_controllen = room;
    long r = call(SYS_recvmsg, fd, long(&m), flags);
    std::string got;
    if (r >= 0) {
        got = escape(buf.data(), size_t(std::min<long>(r, long(n)))) + " fds [";
        std::string names;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                continue;
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int received;
                std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
                m_opened.push_back(received);
                if (fds)
                    fds->push_back(received);
                names += (names.empty() ? "" : " ") + fd_name(received);
            }
        }
        got += names + "] flags " + octal(m.msg_flags) + " controllen " + std::to_string(m.msg_controllen);
    }
    record("recvmsg(" + fd_name(fd) + ", " + std::to_string(n) + ", control " + std::to_string(room) + ", " +
               octal(flags) + ")",
           r, false, got);
    return r;
}

long Sys::peercred(int fd)
{
    ucred c {};
    socklen_t n = sizeof c;
    long r = call(SYS_getsockopt, fd, SOL_SOCKET, SO_PEERCRED, long(&c), long(&n));
    long self = call(SYS_getpid);
    record("getsockopt(" + fd_name(fd) + ", SO_PEERCRED)", r, false,
           r == 0 ? std::string(c.pid == self ? "pid=self" : c.pid == 0 ? "pid=0" : "pid=other") + " uid=" +
                   std::to_string(c.uid) + " gid=" + std::to_string(c.gid) + " len=" + std::to_string(n)
                  : "");
    return r;
}

long Sys::socket(int domain, int type, int protocol)
{
    long r = call(SYS_socket, domain, type, protocol);
    record("socket(" + std::to_string(domain) + ", " + octal(type) + ", " + std::to_string(protocol) + ")", r, true);
    return r;
}

long Sys::bind_inet(int fd, int domain, const char* addr, int port, int length)
{
    sockaddr_storage a;
    socklen_t n = make_address(domain, addr, port, a);
    long r = call(SYS_bind, fd, long(&a), length < 0 ? long(n) : long(length));
    record("bind(" + fd_name(fd) + ", " + std::to_string(domain) + " " + addr + (port ? " port>0" : " port=0") +
               (length < 0 ? "" : ", len=" + std::to_string(length)) + ")",
           r);
    return r;
}

long Sys::connect_inet(int fd, int domain, const char* addr, int port)
{
    sockaddr_storage a;
    socklen_t n = make_address(domain, addr, port, a);
    long r = call(SYS_connect, fd, long(&a), long(n));
    record("connect(" + fd_name(fd) + ", " + std::to_string(domain) + " " + addr + (port ? " port>0" : " port=0") + ")", r);
    return r;
}

long Sys::listen(int fd, int backlog)
{
    long r = call(SYS_listen, fd, backlog);
    record("listen(" + fd_name(fd) + ", " + std::to_string(backlog) + ")", r);
    return r;
}

long Sys::accept4(int fd, int flags)
{
    sockaddr_storage a {};
    socklen_t n = sizeof a;
    long r = call(SYS_accept4, fd, long(&a), long(&n), flags);
    record("accept4(" + fd_name(fd) + ", " + octal(flags) + ")", r, true, r >= 0 ? describe_address(a, n) : "");
    return r;
}

long Sys::trace_address(const std::string& what, long nr, int fd)
{
    sockaddr_storage a {};
    socklen_t n = sizeof a;
    long r = call(nr, fd, long(&a), long(&n));
    record(what + "(" + fd_name(fd) + ")", r, false, r == 0 ? describe_address(a, n) : "");
    return r;
}

long Sys::getsockname(int fd) { return trace_address("getsockname", SYS_getsockname, fd); }
long Sys::getpeername(int fd) { return trace_address("getpeername", SYS_getpeername, fd); }

long Sys::shutdown(int fd, int how)
{
    long r = call(SYS_shutdown, fd, how);
    record("shutdown(" + fd_name(fd) + ", " + std::to_string(how) + ")", r);
    return r;
}

long Sys::send(int fd, const std::string& data, int flags)
{
    long r = call(SYS_sendto, fd, long(data.data()), long(data.size()), flags, 0, 0);
    record("send(" + fd_name(fd) + ", " + std::to_string(data.size()) + " bytes, " + octal(flags) + ")", r);
    return r;
}

long Sys::recv(int fd, size_t n, int flags)
{
    std::string buf(n, '\0');
    long r = call(SYS_recvfrom, fd, long(buf.data()), long(n), flags, 0, 0);
    record("recv(" + fd_name(fd) + ", " + std::to_string(n) + ", " + octal(flags) + ")", r, false,
           r > 0 ? escape(buf.data(), size_t(r)) : "");
    return r;
}

long Sys::sendto_inet(int fd, const std::string& data, int domain, const char* addr, int port)
{
    sockaddr_storage a;
    socklen_t n = make_address(domain, addr, port, a);
    long r = call(SYS_sendto, fd, long(data.data()), long(data.size()), 0, long(&a), long(n));
    record("sendto(" + fd_name(fd) + ", " + std::to_string(data.size()) + " bytes, " + addr + (port ? " port>0" : " port=0") + ")", r);
    return r;
}

long Sys::recvfrom(int fd, size_t n, int flags)
{
    std::string buf(n ? n : 1, '\0');
    sockaddr_storage a {};
    socklen_t length = sizeof a;
    long r = call(SYS_recvfrom, fd, long(buf.data()), long(n), flags, long(&a), long(&length));
    record("recvfrom(" + fd_name(fd) + ", " + std::to_string(n) + ", " + octal(flags) + ")", r, false,
           r >= 0 ? escape(buf.data(), size_t(std::min<long>(r, long(n)))) + " from " + describe_address(a, length) : "");
    return r;
}

long Sys::setsockopt_int(int fd, int level, int name, int value)
{
    long r = call(SYS_setsockopt, fd, level, name, long(&value), sizeof value);
    record("setsockopt(" + fd_name(fd) + ", " + std::to_string(level) + ", " + std::to_string(name) + ", " +
               std::to_string(value) + ")",
           r);
    return r;
}

long Sys::getsockopt_int(int fd, int level, int name)
{
    int value = -12345;
    socklen_t n = sizeof value;
    long r = call(SYS_getsockopt, fd, level, name, long(&value), long(&n));
    record("getsockopt(" + fd_name(fd) + ", " + std::to_string(level) + ", " + std::to_string(name) + ")", r, false,
           r == 0 ? "value=" + std::to_string(value) + " len=" + std::to_string(n) : "");
    return r;
}

int Sys::port_of(int fd)
{
    sockaddr_storage a {};
    socklen_t n = sizeof a;
    if (m_backend.syscall(SYS_getsockname, fd, long(&a), long(&n)) != 0)
        return 0;
    return a.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port)
                                   : ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

long Sys::lock(int fd, int cmd, short type, short whence, long start, long len, int pid)
{
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = whence;
    fl.l_start = start;
    fl.l_len = len;
    fl.l_pid = pid;
    long r = call(SYS_fcntl, fd, cmd, long(&fl));
    std::string got;
    if (r == 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK)) {
        got = "type=" + std::to_string(fl.l_type);
        if (fl.l_type != F_UNLCK) {
            long self = m_backend.syscall(SYS_getpid);
            std::string who = fl.l_pid == self ? "self" : fl.l_pid == -1 ? "-1" : "other";
            got += " whence=" + std::to_string(fl.l_whence) + " start=" + std::to_string(fl.l_start) +
                   " len=" + std::to_string(fl.l_len) + " pid=" + who;
        }
    }
    record("lock(" + fd_name(fd) + ", " + std::to_string(cmd) + ", type=" + std::to_string(type) + ", whence=" +
               std::to_string(whence) + ", " + std::to_string(start) + ", " + std::to_string(len) + ")",
           r, false, got);
    return r;
}

long Sys::ioctl_int(int fd, unsigned long request, int value)
{
    long r = call(SYS_ioctl, fd, long(request), long(&value));
    record("ioctl(" + fd_name(fd) + ", " + std::to_string(request) + ", &" + std::to_string(value) + ")", r);
    return r;
}

long Sys::fionread(int fd)
{
    int value = -1;
    long r = call(SYS_ioctl, fd, FIONREAD, long(&value));
    record("ioctl(" + fd_name(fd) + ", FIONREAD)", r, false, "avail=" + std::to_string(value));
    return r < 0 ? r : value;
}

long Sys::ifreq_ioctl(int fd, const char* request_name, unsigned long request, const char* ifname, int index)
{
    struct {
        char name[16];
        union {
            int value;
            unsigned char bytes[24];
        };
    } r {};
    std::strncpy(r.name, ifname, sizeof r.name - 1);
    r.value = index;
    long result = call(SYS_ioctl, fd, long(request), long(&r));
    std::string reply;
    if (result == 0) {
        reply = std::string("name=") + std::string(r.name, strnlen(r.name, sizeof r.name)) + " data=";
        for (unsigned char b : r.bytes)
            reply += hex(b) + ",";
    }
    record(std::string("ioctl(") + fd_name(fd) + ", " + request_name + ", " + ifname + ")", result, false, reply);
    return result;
}

long Sys::ifconf_lists(int fd, const char* ifname)
{
    struct Req {
        char name[16];
        unsigned short family;
        unsigned short port;
        unsigned char address[4];
        unsigned char pad[16];
    } reqs[32] {};
    struct {
        int length;
        int pad;
        Req* buffer;
    } conf { int(sizeof reqs), 0, reqs };
    long result = call(SYS_ioctl, fd, 0x8912, long(&conf));
    std::string found = "not listed";
    for (int i = 0; result == 0 && i < conf.length / int(sizeof(Req)); ++i)
        if (std::strncmp(reqs[i].name, ifname, 16) == 0)
            found = "family=" + std::to_string(reqs[i].family) + " addr=" + std::to_string(reqs[i].address[0]) + "."
                    + std::to_string(reqs[i].address[1]) + "." + std::to_string(reqs[i].address[2]) + "."
                    + std::to_string(reqs[i].address[3]);
    record("ioctl(" + fd_name(fd) + ", SIOCGIFCONF) lists " + ifname, result, false, found);
    return result;
}

std::pair<int, int> Sys::pipe2(int flags)
{
    int fds[2] = { -1, -1 };
    long r = call(SYS_pipe2, long(fds), flags);
    record("pipe2(" + octal(flags) + ")", r, false, r == 0 ? fd_name(fds[0]) + " " + fd_name(fds[1]) : "");
    if (r == 0) {
        m_opened.push_back(fds[0]);
        m_opened.push_back(fds[1]);
        return { fds[0], fds[1] };
    }
    return { -1, -1 };
}

long Sys::poll(std::vector<std::pair<int, short>> fds, int timeout_ms)
{
    std::vector<pollfd> p;
    for (auto& [fd, ev] : fds)
        p.push_back({ fd, ev, 0 });
    long r = call(SYS_poll, long(p.data()), long(p.size()), timeout_ms);
    std::string got;
    for (auto& e : p)
        got += fd_name(e.fd) + ":" + std::to_string(e.revents) + " ";
    record("poll(" + std::to_string(p.size()) + " fds, " + std::to_string(timeout_ms) + ")", r, false, got);
    return r;
}

long Sys::epoll_create1(int flags)
{
    long r = call(SYS_epoll_create1, flags);
    record("epoll_create1(" + octal(flags) + ")", r, true);
    return r;
}

long Sys::epoll_ctl(int epfd, int op, int fd, unsigned events)
{
    epoll_event ev {};
    ev.events = events;
    ev.data.u64 = uint64_t(fd);
    long r = call(SYS_epoll_ctl, epfd, op, fd, long(&ev));
    record("epoll_ctl(" + fd_name(epfd) + ", " + std::to_string(op) + ", " + fd_name(fd) + ", " + hex(events) + ")", r);
    return r;
}

long Sys::epoll_wait(int epfd, int maxevents, int timeout_ms)
{
    std::vector<epoll_event> events(size_t(maxevents > 0 ? maxevents : 1));
    long r = call(SYS_epoll_wait, epfd, long(events.data()), maxevents, timeout_ms);
    // Linux promises no order among ready entries: traced sorted.
    std::vector<std::string> items;
    for (long i = 0; i < r; ++i)
        items.push_back(fd_name(long(events[size_t(i)].data.u64)) + ":" + hex(events[size_t(i)].events));
    std::sort(items.begin(), items.end());
    std::string got;
    for (auto& item : items)
        got += item + " ";
    record("epoll_wait(" + fd_name(epfd) + ", " + std::to_string(maxevents) + ", " + std::to_string(timeout_ms) + ")", r,
           false, got);
    return r;
}

long Sys::eventfd(unsigned initval, int flags)
{
    long r = call(SYS_eventfd2, long(initval), flags);
    record("eventfd2(" + std::to_string(initval) + ", " + octal(flags) + ")", r, true);
    return r;
}

long Sys::eventfd_read(int fd)
{
    uint64_t value = 0;
    long r = call(SYS_read, fd, long(&value), sizeof value);
    record("eventfd read(" + fd_name(fd) + ")", r, false, "value=" + std::to_string(value));
    return r;
}

long Sys::eventfd_write(int fd, unsigned long value)
{
    uint64_t v = value;
    long r = call(SYS_write, fd, long(&v), sizeof v);
    record("eventfd write(" + fd_name(fd) + ", " + std::to_string(value) + ")", r);
    return r;
}

long Sys::select(int nfds, std::vector<int> readfds, std::vector<int> writefds, long timeout_us)
{
    fd_set r {}, w {};
    FD_ZERO(&r);
    FD_ZERO(&w);
    for (int fd : readfds)
        FD_SET(fd, &r);
    for (int fd : writefds)
        FD_SET(fd, &w);
    struct timeval tv { timeout_us / 1000000, timeout_us % 1000000 };
    long res = call(SYS_select, nfds, long(&r), long(&w), 0, timeout_us < 0 ? 0 : long(&tv));
    std::string got = "r:";
    for (int fd : readfds)
        got += FD_ISSET(fd, &r) ? fd_name(fd) + " " : "";
    got += "w:";
    for (int fd : writefds)
        got += FD_ISSET(fd, &w) ? fd_name(fd) + " " : "";
    // nfds is one past the highest descriptor: relative to the base like fds.
    record("select(" + (nfds > m_base_fd ? fd_name(nfds) : std::to_string(nfds)) + ")", res, false, got);
    return res;
}

long Sys::close_range(unsigned first, unsigned last, unsigned flags)
{
    long r = call(SYS_close_range, first, last, flags);
    record("close_range(" + fd_name(first) + ", " + (last == ~0u ? std::string("~0") : fd_name(last)) + ", " + std::to_string(flags) + ")", r);
    return r;
}

long Sys::raw(const char* label, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long r = call(nr, a1, a2, a3, a4, a5, a6);
    record(label, r);
    return r;
}

} // namespace posix
