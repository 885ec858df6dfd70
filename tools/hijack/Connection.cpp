#include "Connection.h"
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <string>
#include <sys/syscall.h>
#include "PathRouter.h"

namespace husk::hijack {

namespace {
std::mutex g_lock;
remote::Client* g_client = nullptr;
bool g_failed = false;
unsigned g_generation = 1;

void after_fork_in_child()
{
    // The session is the parent's: the child drops its copies of the
    // socket and the ring's descriptors (closing a copy sends nothing; the
    // ring's mapping was not inherited) and connects anew when needed.
    new (&g_lock) std::mutex;
    if (g_client) {
        g_client->abandon_after_fork();
        delete g_client;
    }
    g_client = nullptr;
    g_failed = false;
    ++g_generation;
}

[[gnu::constructor]] void install_fork_handler() { pthread_atfork(nullptr, nullptr, after_fork_in_child); }
} // namespace

unsigned Connection::generation() { return g_generation; }

long Connection::call(long nr, std::vector<uint64_t> args, const std::vector<remote::Client::Buffer>& buffers)
{
    std::lock_guard guard(g_lock);
    if (!g_client && !g_failed) {
        const char* spec = std::getenv("HUSK_SERVER");
        auto* c = new remote::Client;
        std::string error = spec && *spec ? remote::Client::connect(spec, *c) : "HUSK_SERVER is not set";
        if (error.empty()) {
            g_client = c;
            // A fresh process in the server: give it our working directory.
            if (PathRouter::remote_cwd()) {
                std::string cwd = PathRouter::remote_cwd_path();
                if (c->call(SYS_chdir, { 0 }, { { 0, remote::kIn, cwd.data(), cwd.size() + 1 } }) < 0) {
                    std::fprintf(stderr, "husk-hijack: cannot return to %s%s in the server\n", PathRouter::prefix().c_str(),
                                 cwd.c_str());
                    PathRouter::set_remote_cwd(false);
                }
            }
        } else {
            std::fprintf(stderr, "husk-hijack: %s\n", error.c_str());
            delete c;
            g_failed = true;
        }
    }
    if (!g_client)
        return -ENOTCONN;
    long r = g_client->call(nr, std::move(args), buffers);
    if (r == -EPIPE || r == -EPROTO || r == -ETIMEDOUT) {
        std::fprintf(stderr, "husk-hijack: lost the connection to husk server\n");
        delete g_client;
        g_client = nullptr;
        g_failed = true;
        return -ENOTCONN;
    }
    return r;
}

} // namespace husk::hijack
