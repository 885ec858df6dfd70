#include "GuestStdio.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace husk::tools {

namespace {
constexpr size_t kLogKept = 1 << 20; // the log's last MiB: enough for any crash report
constexpr char kEscape = '\xff';

void write_all(int fd, const char* p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= size_t(w);
    }
}

void close_fd(int& fd)
{
    if (fd >= 0)
        close(fd);
    fd = -1;
}

// The same file: one open file description (2>&1), or one file or terminal.
bool same_output(int a, int b)
{
    pid_t self = getpid();
    if (syscall(SYS_kcmp, self, self, KCMP_FILE, a, b) == 0)
        return true;
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
           && !S_ISFIFO(sa.st_mode) && !S_ISSOCK(sa.st_mode);
}
} // namespace

GuestStdio::GuestStdio(bool verbose) : m_verbose(verbose), m_relay_input(!isatty(STDIN_FILENO)) {}

GuestStdio::~GuestStdio()
{
    for (int* fd : { &m_input[0], &m_input[1], &m_error[0], &m_error[1], &m_log[0], &m_log[1] })
        close_fd(*fd);
}

std::string GuestStdio::open()
{
    m_error_apart = !same_output(STDOUT_FILENO, STDERR_FILENO);
    if (m_relay_input && pipe2(m_input, O_CLOEXEC) != 0)
        return std::string("cannot create a pipe: ") + std::strerror(errno);
    if (m_relay_input)
        fcntl(m_input[1], F_SETFL, O_NONBLOCK);
    if ((m_error_apart && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m_error) != 0)
        || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m_log) != 0)
        return std::string("cannot create a socket pair: ") + std::strerror(errno);
    return "";
}

std::string GuestStdio::error_chardev() const
{
    return m_error_apart ? "socket,fd=" + std::to_string(m_error[1]) : "";
}

// -v into one file with stdout: the log shares the console too, in order.
std::string GuestStdio::log_chardev() const
{
    return m_verbose && !m_error_apart ? "" : "socket,fd=" + std::to_string(m_log[1]);
}

void GuestStdio::prepare_child() const
{
    if (m_relay_input)
        dup2(m_input[0], STDIN_FILENO);
    for (int fd : { m_error[1], m_log[1] })
        if (fd >= 0)
            fcntl(fd, F_SETFD, 0);
}

void GuestStdio::after_fork()
{
    close_fd(m_input[0]);
    close_fd(m_error[1]);
    close_fd(m_log[1]);
}

void GuestStdio::status_text(const std::string& text)
{
    if (!m_ready && text.find("husk-input\n") != std::string::npos)
        m_ready = true;
}

void GuestStdio::add_poll_fds(std::vector<pollfd>& fds)
{
    m_poll_base = fds.size();
    fds.push_back({ m_error[0], POLLIN, 0 });
    fds.push_back({ m_log[0], POLLIN, 0 });
    bool reading = m_relay_input && m_ready && !m_input_done && m_pending.empty();
    fds.push_back({ reading ? STDIN_FILENO : -1, POLLIN, 0 });
    fds.push_back({ m_pending.empty() ? -1 : m_input[1], POLLOUT, 0 });
}

void GuestStdio::handle(const std::vector<pollfd>& fds)
{
    const pollfd* p = &fds[m_poll_base];
    if (p[0].revents)
        read_stream(m_error[0], false);
    if (p[1].revents)
        read_stream(m_log[0], true);
    if (p[2].revents)
        relay_input();
    if (p[3].revents && !m_pending.empty()) {
        ssize_t w = write(m_input[1], m_pending.data(), m_pending.size());
        if (w > 0)
            m_pending.erase(0, size_t(w));
        else if (w < 0 && errno != EAGAIN && errno != EINTR)
            m_pending.clear(); // QEMU is gone
    }
}

void GuestStdio::relay_input()
{
    char buf[16384];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) { // the end (or an unreadable stdin): the guest reads end of file
        m_pending.append({ kEscape, '\0' });
        m_input_done = true;
        return;
    }
    for (ssize_t i = 0; i < n; ++i) {
        m_pending += buf[i];
        if (buf[i] == kEscape)
            m_pending += kEscape;
    }
}

void GuestStdio::read_stream(int fd, bool log)
{
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0)
        return;
    if (!log) {
        write_all(STDERR_FILENO, buf, size_t(n));
        return;
    }
    m_log_text.append(buf, size_t(n));
    if (m_log_text.size() > 2 * kLogKept)
        m_log_text.erase(0, m_log_text.size() - kLogKept);
    if (m_verbose)
        write_all(STDERR_FILENO, buf, size_t(n));
}

void GuestStdio::drain()
{
    // QEMU has exited: its ends are closed, so each socket reads to its end.
    for (int fd : { m_error[0], m_log[0] }) {
        if (fd < 0)
            continue;
        for (;;) {
            pollfd p { fd, POLLIN, 0 };
            if (poll(&p, 1, 0) <= 0)
                break;
            char probe;
            if (recv(fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
                break;
            read_stream(fd, fd == m_log[0]);
        }
    }
}

void GuestStdio::show_log()
{
    if (!m_verbose && !m_log_text.empty()) {
        write_all(STDERR_FILENO, "husk run: the kernel's log:\n", 28);
        write_all(STDERR_FILENO, m_log_text.data(), m_log_text.size());
    }
}

} // namespace husk::tools
