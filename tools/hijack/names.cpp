// The namespace: directories, links, renames, the working directory.
// A rename or hard link between the two kernels is EXDEV, as between two
// file systems.
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include "Remote.h"

using namespace husk::hijack;

namespace {
long server_cwd(std::string& path)
{
    char buf[4096];
    long n = Connection::call(SYS_getcwd, { 0, sizeof buf }, { out(0, buf, sizeof buf) });
    if (n >= 0)
        path = buf;
    return n;
}

void enter_remote_cwd()
{
    std::string cwd;
    PathRouter::set_remote_cwd(server_cwd(cwd) >= 0, cwd);
}

// The server's side of each call, given the route(s) already decided.
int remote_mkdir(const Route& r, mode_t mode)
{
    return int(to_errno(Connection::call(SYS_mkdirat, { word(r.dirfd), 0, mode }, { path_arg(1, r.path) })));
}

int remote_unlink(const Route& r, int flags)
{
    return int(to_errno(Connection::call(SYS_unlinkat, { word(r.dirfd), 0, word(flags) }, { path_arg(1, r.path) })));
}

// Two paths: both the server's, or EXDEV as between two file systems.
int remote_two_paths(long nr, const Route& a, const Route& b, uint64_t flags)
{
    if (a.remote != b.remote) {
        errno = EXDEV;
        return -1;
    }
    return int(to_errno(Connection::call(nr, { word(a.dirfd), 0, word(b.dirfd), 0, flags },
                                         { path_arg(1, a.path), path_arg(3, b.path) })));
}

// The target is the link's contents, not a path looked up now.
int remote_symlink(const char* target, const Route& r)
{
    return int(to_errno(Connection::call(SYS_symlinkat, { 0, word(r.dirfd), 0 },
                                         { in(0, target, std::strlen(target) + 1), path_arg(2, r.path) })));
}

ssize_t remote_readlink(const Route& r, char* buf, size_t size)
{
    size = size < kChunk ? size : kChunk;
    return to_errno(Connection::call(SYS_readlinkat, { word(r.dirfd), 0, 0, size },
                                     { path_arg(1, r.path), out_count(2, buf, size) }));
}
} // namespace

extern "C" {

int mkdirat(int dirfd, const char* path, mode_t mode)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_mkdir(r, mode) : REAL(mkdirat)(dirfd, path, mode);
}
int mkdir(const char* path, mode_t mode)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_mkdir(r, mode) : REAL(mkdir)(path, mode);
}

int unlinkat(int dirfd, const char* path, int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_unlink(r, flags) : REAL(unlinkat)(dirfd, path, flags);
}
int unlink(const char* path)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_unlink(r, 0) : REAL(unlink)(path);
}
int rmdir(const char* path)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_unlink(r, AT_REMOVEDIR) : REAL(rmdir)(path);
}
// remove() is unlink, or rmdir for a directory.
int remove(const char* path)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(remove)(path);
    int saved = errno;
    if (remote_unlink(r, 0) == 0)
        return 0;
    if (errno != EISDIR)
        return -1;
    errno = saved;
    return remote_unlink(r, AT_REMOVEDIR);
}

int renameat2(int fromfd, const char* from, int tofd, const char* to, unsigned flags)
{
    Route a = PathRouter::route(fromfd, from), b = PathRouter::route(tofd, to);
    return a.remote || b.remote ? remote_two_paths(SYS_renameat2, a, b, flags) : REAL(renameat2)(fromfd, from, tofd, to, flags);
}
int renameat(int fromfd, const char* from, int tofd, const char* to)
{
    Route a = PathRouter::route(fromfd, from), b = PathRouter::route(tofd, to);
    return a.remote || b.remote ? remote_two_paths(SYS_renameat2, a, b, 0) : REAL(renameat)(fromfd, from, tofd, to);
}
int rename(const char* from, const char* to)
{
    Route a = PathRouter::route(AT_FDCWD, from), b = PathRouter::route(AT_FDCWD, to);
    return a.remote || b.remote ? remote_two_paths(SYS_renameat2, a, b, 0) : REAL(rename)(from, to);
}

int linkat(int fromfd, const char* from, int tofd, const char* to, int flags)
{
    Route a = PathRouter::route(fromfd, from), b = PathRouter::route(tofd, to);
    return a.remote || b.remote ? remote_two_paths(SYS_linkat, a, b, word(flags)) : REAL(linkat)(fromfd, from, tofd, to, flags);
}
int link(const char* from, const char* to)
{
    Route a = PathRouter::route(AT_FDCWD, from), b = PathRouter::route(AT_FDCWD, to);
    return a.remote || b.remote ? remote_two_paths(SYS_linkat, a, b, 0) : REAL(link)(from, to);
}

int symlinkat(const char* target, int dirfd, const char* path)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_symlink(target, r) : REAL(symlinkat)(target, dirfd, path);
}
int symlink(const char* target, const char* path)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_symlink(target, r) : REAL(symlink)(target, path);
}

ssize_t readlinkat(int dirfd, const char* path, char* buf, size_t size)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_readlink(r, buf, size) : REAL(readlinkat)(dirfd, path, buf, size);
}
ssize_t readlink(const char* path, char* buf, size_t size)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_readlink(r, buf, size) : REAL(readlink)(path, buf, size);
}

int chdir(const char* path)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote) {
        int rc = REAL(chdir)(path);
        if (rc == 0)
            PathRouter::set_remote_cwd(false);
        return rc;
    }
    long rc = Connection::call(SYS_chdir, { 0 }, { path_arg(0, r.path) });
    if (rc == 0)
        enter_remote_cwd();
    return int(to_errno(rc));
}

int fchdir(int fd)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone) {
        int rc = REAL(fchdir)(fd);
        if (rc == 0)
            PathRouter::set_remote_cwd(false);
        return rc;
    }
    long rc = Connection::call(SYS_fchdir, { word(rfd) });
    if (rc == 0)
        enter_remote_cwd();
    return int(to_errno(rc));
}

// Inside the server the working directory is shown under the prefix.
char* getcwd(char* buf, size_t size)
{
    if (!PathRouter::remote_cwd())
        return REAL(getcwd)(buf, size);
    std::string inside;
    if (long n = server_cwd(inside); n < 0) {
        errno = int(-n);
        return nullptr;
    }
    std::string full = PathRouter::prefix() + (inside == "/" ? "" : inside);
    if (!buf) {
        size_t want = size ? size : full.size() + 1;
        if (want < full.size() + 1) {
            errno = ERANGE;
            return nullptr;
        }
        buf = static_cast<char*>(std::malloc(want));
        if (!buf) {
            errno = ENOMEM;
            return nullptr;
        }
    } else if (size < full.size() + 1) {
        errno = size ? ERANGE : EINVAL;
        return nullptr;
    }
    std::memcpy(buf, full.c_str(), full.size() + 1);
    return buf;
}

// The working directory inside the server follows the program into the
// one it executes (the C library's execvp/execl/... call execve internally,
// past this library: shells call execve).
int execve(const char* path, char* const argv[], char* const envp[])
{
    std::vector<char*> env;
    for (size_t i = 0; envp && envp[i]; ++i)
        if (std::strncmp(envp[i], "HUSK_HIJACK_CWD=", 16) != 0)
            env.push_back(envp[i]);
    std::string cwd = "HUSK_HIJACK_CWD=" + PathRouter::remote_cwd_path();
    if (PathRouter::remote_cwd())
        env.push_back(cwd.data());
    env.push_back(nullptr);
    return REAL(execve)(path, argv, env.data());
}

} // extern "C"
