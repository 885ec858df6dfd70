// Decides which kernel a path names: the server's for paths under the
// prefix (HUSK_HIJACK=path=/husk, the default), relative paths while the
// working directory is there, and paths relative to a remote descriptor;
// the host's for everything else.
#pragma once

#include <string>

namespace husk::hijack {

struct Route {
    bool remote { false };
    int dirfd { 0 };      // for the server: its descriptor, or AT_FDCWD
    std::string path;     // for the server: the path without the prefix
};

class PathRouter {
public:
    static Route route(int dirfd, const char* path);
    static const std::string& prefix();
    // chdir/fchdir moved the working directory into the server (at path,
    // as the server names it) or out of it. A new connection (after fork)
    // and execve (through HUSK_HIJACK_CWD) keep it there.
    static void set_remote_cwd(bool remote, const std::string& path = "");
    static bool remote_cwd();
    static std::string remote_cwd_path();
};

} // namespace husk::hijack
