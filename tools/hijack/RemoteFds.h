// Which of the program's descriptors stand for descriptors in the server.
// Each remote descriptor holds a host descriptor of its own (on /dev/null),
// so descriptor numbers never collide and select()-sized, lowest-free and
// close-on-exec rules keep working on the host side.
#pragma once

namespace husk::hijack {

class RemoteFds {
public:
    static constexpr int kNone = -1, kStale = -2;
    // The server's descriptor behind host fd, kNone when fd is the host's,
    // kStale when it was opened before a fork (the child cannot use it;
    // being negative, the server answers EBADF for it).
    static int lookup(int fd);
    static bool is_remote(int fd) { return lookup(fd) != kNone; }
    // A fresh host descriptor for remote descriptor rfd (>= min_fd), or -1
    // with errno; rfd is closed in the server on failure.
    static int adopt(int rfd, bool cloexec, int min_fd = 0);
    // Records that host fd (already open) now stands for rfd.
    static void set(int fd, int rfd);
    static void forget(int fd);
};

} // namespace husk::hijack
