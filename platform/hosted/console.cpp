// The hosted console: output to stderr (stdout belongs to the client),
// input from stdin when enabled.
#include <husk/platform.h>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include "HostedPlatform.h"

namespace {
void write_stderr(const char* buf, size_t len)
{
    while (len) {
        ssize_t n = write(STDERR_FILENO, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= size_t(n);
    }
}
} // namespace

// The console, the program's error stream and the kernel's log all go to
// stderr: a hosted kernel's stdout belongs to its client.
extern "C" void husk_plat_console_write(const char* buf, size_t len) { write_stderr(buf, len); }
extern "C" void husk_plat_stream_write(int, const char* buf, size_t len) { write_stderr(buf, len); }

extern "C" long husk_plat_console_read(char* buf, size_t len)
{
    if (!husk::hosted::settings().console_input)
        return -ENODEV; // like stdin from /dev/null
    int flags = fcntl(STDIN_FILENO, F_GETFL);
    fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
    ssize_t n = read(STDIN_FILENO, buf, len);
    int saved = errno;
    fcntl(STDIN_FILENO, F_SETFL, flags);
    if (n < 0)
        return saved == EAGAIN ? 0 : -EIO;
    return n == 0 ? -ENODEV : n; // end of file (or ^D on a terminal)
}
