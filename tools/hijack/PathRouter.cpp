#include "PathRouter.h"
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include "RemoteFds.h"

namespace husk::hijack {

namespace {
struct CwdState {
    std::atomic<bool> remote { false };
    std::mutex lock;
    std::string path;
};
// Made on first use, not at load: constructors of other objects may ask first.
CwdState& cwd()
{
    static CwdState* state = [] {
        auto* s = new CwdState;
        // A program exec'd from inside the server's tree starts there too.
        const char* inherited = std::getenv("HUSK_HIJACK_CWD");
        if (inherited && inherited[0] == '/') {
            s->path = inherited;
            s->remote = true;
        }
        return s;
    }();
    return *state;
}

// HUSK_HIJACK is a comma-separated list of key=value; path= sets the prefix.
std::string read_prefix()
{
    std::string prefix = "/husk";
    const char* env = std::getenv("HUSK_HIJACK");
    std::string spec = env ? env : "";
    size_t at = 0;
    while (at <= spec.size() && !spec.empty()) {
        size_t end = spec.find(',', at);
        std::string item = spec.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (item.rfind("path=", 0) == 0)
            prefix = item.substr(5);
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    while (prefix.size() > 1 && prefix.back() == '/')
        prefix.pop_back();
    if (prefix.empty() || prefix[0] != '/' || prefix == "/")
        prefix = "/husk"; // a prefix of "/" would take the program's own libraries
    return prefix;
}
} // namespace

const std::string& PathRouter::prefix()
{
    static const std::string p = read_prefix();
    return p;
}

void PathRouter::set_remote_cwd(bool remote, const std::string& path)
{
    std::lock_guard guard(cwd().lock);
    cwd().path = remote ? path : "";
    cwd().remote = remote;
}
bool PathRouter::remote_cwd() { return cwd().remote; }
std::string PathRouter::remote_cwd_path()
{
    std::lock_guard guard(cwd().lock);
    return cwd().path;
}

Route PathRouter::route(int dirfd, const char* path)
{
    Route r;
    if (!path)
        return r;
    if (path[0] == '/') {
        const std::string& p = prefix();
        if (std::strncmp(path, p.c_str(), p.size()) == 0 && (path[p.size()] == '/' || path[p.size()] == '\0')) {
            r.remote = true;
            r.dirfd = AT_FDCWD;
            r.path = path[p.size()] ? path + p.size() : "/";
        }
        return r;
    }
    if (dirfd == AT_FDCWD) {
        if (cwd().remote) {
            r.remote = true;
            r.dirfd = AT_FDCWD;
            r.path = path;
        }
        return r;
    }
    int rfd = RemoteFds::lookup(dirfd);
    if (rfd == RemoteFds::kNone)
        return r;
    r.remote = true;
    r.dirfd = rfd; // kStale: the server answers EBADF
    r.path = path;
    return r;
}

} // namespace husk::hijack
