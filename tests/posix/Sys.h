// The system calls a scenario makes. Every call goes to one backend and is
// written to a trace with its arguments and normalised result, so the
// traces of Linux and Husk can be compared line by line. Descriptor numbers
// are recorded relative to the first free descriptor at scenario start, so
// "lowest free descriptor" rules are compared too.
#pragma once

#include <cstdint>
#include <string>
#include <sys/stat.h>
#include <utility>
#include <vector>
#include "Backend.h"

namespace posix {

class Sys {
public:
    Sys(Backend& backend, std::string root);
    ~Sys();

    const std::vector<std::string>& trace() const { return m_trace; }
    void note(const std::string& what);
    Backend& backend() { return m_backend; }

    // --- files
    long open(const char* path, int flags, int mode = 0);
    long openat(int dirfd, const char* path, int flags, int mode = 0);
    long creat(const char* path, int mode);
    long close(int fd);
    long read(int fd, size_t n);                       // traces the bytes read
    long write(int fd, const std::string& data);
    long pread(int fd, size_t n, long offset);
    // A large pread: traces a digest of the bytes instead of the bytes.
    long pread_digest(int fd, size_t n, long offset);
    long pwrite(int fd, const std::string& data, long offset);
    long readv(int fd, std::vector<size_t> sizes);
    long writev(int fd, std::vector<std::string> parts);
    long lseek(int fd, long offset, int whence);
    long truncate(const char* path, long length);
    long ftruncate(int fd, long length);
    long fsync(int fd);
    long fdatasync(int fd);
    // Writes a whole file (open/write/close, traced).
    void put(const char* path, const std::string& data, int mode = 0644);
    // Reads a whole file (traced).
    std::string get(const char* path);

    // --- metadata
    long stat(const char* path);   // traces type, mode, size, nlink, blocks sanity
    long lstat(const char* path);
    long fstat(int fd);
    long fstatat(int dirfd, const char* path, int flags);
    long statx(int dirfd, const char* path, int flags);
    long access(const char* path, int mode);
    long faccessat(int dirfd, const char* path, int mode, int flags);
    long chmod(const char* path, int mode);
    long fchmod(int fd, int mode);
    long fchmodat(int dirfd, const char* path, int mode);
    long chown(const char* path, long uid, long gid);
    long lchown(const char* path, long uid, long gid);
    long fchown(int fd, long uid, long gid);
    long umask(int mask);
    long utimensat(int dirfd, const char* path, long atime_sec, long atime_nsec, long mtime_sec, long mtime_nsec, int flags);
    long utimensat_now(int dirfd, const char* path, int flags);
    long statfs(const char* path);
    long fstatfs(int fd);
    long readlink(const char* path, size_t size = 256);
    long readlinkat(int dirfd, const char* path, size_t size = 256);
    // Last stat result (for scenarios that compare fields themselves).
    const struct stat& last_stat() const { return m_stat; }
    // stat without a trace line, for facts that differ between systems
    // (the host's root directory) but whose relations do not.
    struct stat quiet_stat(const char* path);

    // --- names
    long mkdir(const char* path, int mode = 0755);
    long mkdirat(int dirfd, const char* path, int mode = 0755);
    long rmdir(const char* path);
    long unlink(const char* path);
    long unlinkat(int dirfd, const char* path, int flags);
    long rename(const char* from, const char* to);
    long renameat(int fromfd, const char* from, int tofd, const char* to);
    long renameat2(int fromfd, const char* from, int tofd, const char* to, unsigned flags);
    long link(const char* from, const char* to);
    long linkat(int fromfd, const char* from, int tofd, const char* to, int flags);
    long symlink(const char* target, const char* path);
    long symlinkat(const char* target, int dirfd, const char* path);
    long mknod(const char* path, int mode);
    long chdir(const char* path);
    long fchdir(int fd);
    long getcwd(size_t size = 4096);    // traces the path relative to the work dir
    // getdents64 until the end; traces sorted "name:type" entries and
    // whether any name repeated. bufsize small forces several calls.
    long getdents(int fd, size_t bufsize = 4096);
    long getdents_once(int fd, size_t bufsize);
    long list(const char* path, size_t bufsize = 4096);

    // --- descriptors
    long dup(int fd);
    long dup2(int fd, int to);
    long dup3(int fd, int to, int flags);
    long fcntl(int fd, int cmd, long arg = 0);
    long flock(int fd, int operation);
    // fcntl with a struct flock (F_GETLK, F_SETLK, F_OFD_*): traces the
    // lock F_GETLK reports, its pid as "self", "-1" or "other".
    long lock(int fd, int cmd, short type, short whence, long start, long len, int pid = 0);
    long ioctl_int(int fd, unsigned long request, int value);
    long fionread(int fd);
    // An interface ioctl with a struct ifreq naming `ifname` (or carrying
    // `index` for SIOCGIFNAME); records the result and the reply's bytes.
    long ifreq_ioctl(int fd, const char* request_name, unsigned long request, const char* ifname, int index = 0);
    // SIOCGIFCONF: records whether `ifname` is listed and with which address.
    long ifconf_lists(int fd, const char* ifname);
    // prlimit64(RLIMIT_NOFILE) of this process: sets soft (-1: keep) and
    // hard (-1: keep); traces the soft limit relative to the first free
    // descriptor (hard limits differ between hosts and are not traced).
    long set_nofile(long soft, long hard = -1);
    std::pair<int, int> pipe2(int flags);   // {-1,-1} on failure
    long poll(std::vector<std::pair<int, short>> fds, int timeout_ms);
    long select(int nfds, std::vector<int> readfds, std::vector<int> writefds, long timeout_us);
    long close_range(unsigned first, unsigned last, unsigned flags);
    // --- epoll and eventfd (event data is the watched fd, traced as fd+N)
    long epoll_create1(int flags);
    long epoll_ctl(int epfd, int op, int fd, unsigned events);
    long epoll_wait(int epfd, int maxevents, int timeout_ms); // traces "fd+N:events" in order
    long eventfd(unsigned initval, int flags);
    long eventfd_read(int fd);                  // traces the value read
    long eventfd_write(int fd, unsigned long value);

    // --- sockets (addresses as text: "127.0.0.1", "::1", "0.0.0.0", "::";
    // port numbers are never traced, only whether one was assigned)
    long socket(int domain, int type, int protocol = 0);
    long bind_inet(int fd, int domain, const char* addr, int port = 0, int length = -1);
    long connect_inet(int fd, int domain, const char* addr, int port);
    long listen(int fd, int backlog);
    long accept4(int fd, int flags);
    long getsockname(int fd);
    long getpeername(int fd);
    long shutdown(int fd, int how);
    long send(int fd, const std::string& data, int flags);
    long recv(int fd, size_t n, int flags);
    long sendto_inet(int fd, const std::string& data, int domain, const char* addr, int port);
    long recvfrom(int fd, size_t n, int flags); // traces the data and the sender's address
    long setsockopt_int(int fd, int level, int name, int value);
    long getsockopt_int(int fd, int level, int name);
    // --- AF_UNIX. A name is a path ("sock", relative to the work dir), an
    // abstract name ("@name": made unique per process, traced as written)
    // or "" (bind: autobind; an address of sun_family only).
    long bind_unix(int fd, const std::string& name);
    long connect_unix(int fd, const std::string& name);
    long sendto_unix(int fd, const std::string& data, const std::string& name, int flags = 0);
    std::pair<int, int> socketpair(int domain, int type, int protocol = 0); // {-1,-1} on failure
    // recvmsg into one buffer of n bytes: traces the data, the sender and msg_flags.
    long recvmsg(int fd, size_t n, int flags);
    // sendmsg of data with `fds` in one SCM_RIGHTS control message.
    long sendmsg_fds(int fd, const std::string& data, const std::vector<int>& fds, int flags = 0);
    // recvmsg of up to n bytes with `room` bytes of control buffer: traces
    // the data, the descriptors received (they are the scenario's to
    // close), msg_flags and msg_controllen. `fds` gets them.
    long recvmsg_fds(int fd, size_t n, size_t room, int flags, std::vector<int>* fds = nullptr);
    // SO_PEERCRED: traces whether the pid is this process's and the ids.
    long peercred(int fd);
    // The port a socket is bound to (not traced; 0 on failure).
    int port_of(int fd);

    // --- raw (for bad-input scenarios): traced by name only
    long raw(const char* label, long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0);

    // Whether a directory's link count is traced (off where the file system
    // under test records none that Linux's would show: xorriso writes 1 for
    // every directory, which Linux's isofs reports).
    static bool& directory_links_traced();

    // Descriptor as traced: "fd+N" for scenario descriptors, else the number.
    std::string fd_name(long fd) const;
    int base_fd() const { return m_base_fd; }

private:
    long call(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0);
    // pread, tracing the bytes read as show() renders them.
    long pread_shown(int fd, size_t n, long offset, std::string (*show)(const char*, size_t));
    void record(const std::string& what, long result, bool returns_fd = false, const std::string& extra = "");
    void record_stat(const std::string& what, long result);
    std::string describe_stat() const;
    std::string quote(const char* s) const;
    long trace_address(const std::string& what, long nr, int fd);

    Backend& m_backend;
    std::string m_root;
    std::vector<std::string> m_trace;
    std::vector<int> m_opened;
    int m_base_fd;
    struct stat m_stat {};
    // RLIMIT_NOFILE before the first set_nofile (restored at the end).
    long m_saved_nofile[2] { -1, -1 };
};

} // namespace posix
