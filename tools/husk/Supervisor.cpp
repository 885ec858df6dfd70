#include "Supervisor.h"
#include "ForwardBacklog.h"
#include "Ipv6Forward.h"
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace husk::tools {

namespace {
constexpr int kStatusNoStatus = 125;
constexpr int kStatusKilled = 128 + SIGKILL;
// Ready: the guest wrote its first byte (QEMU opened everything). A guest
// that says nothing for this long (waiting for gdb) is taken as started.
constexpr double kReadyWithoutOutputS = 10;

uint64_t now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
}

// "husk-exit:N" on COM2, as QemuLauncher reads it; -1 if none.
int parse_status(const std::string& text)
{
    size_t at = text.find("husk-exit:");
    int status = -1;
    if (at != std::string::npos && std::sscanf(text.c_str() + at, "husk-exit:%d", &status) != 1)
        status = -1;
    return status;
}

// The control socket's address. A path too long for sun_path (a deep
// $TMPDIR) is reached through a descriptor of its directory, which
// *dir_fd holds until the caller has bound or connected (then closes it).
bool control_address(const std::string& dir, sockaddr_un* addr, int* dir_fd)
{
    std::string path = dir + "/control";
    *dir_fd = -1;
    if (path.size() >= sizeof addr->sun_path) {
        *dir_fd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (*dir_fd < 0)
            return false;
        path = "/proc/self/fd/" + std::to_string(*dir_fd) + "/control";
    }
    *addr = {};
    addr->sun_family = AF_UNIX;
    std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
    return true;
}

void write_all(int fd, const std::string& text)
{
    for (size_t done = 0; done < text.size();) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += size_t(n);
    }
}

// A QEMU option value: commas doubled.
std::string qemu_value(const std::string& s)
{
    std::string out;
    for (char c : s)
        out += c == ',' ? std::string(",,") : std::string(1, c);
    return out;
}

// The detached process that owns QEMU (see Supervisor.h).
class Supervisor {
public:
    Supervisor(const QemuLauncher& launcher, double stop_timeout_s, InstanceRecord record, std::string dir, int ready)
        : m_launcher(launcher), m_stop_timeout_s(stop_timeout_s), m_record(std::move(record)), m_dir(std::move(dir)),
          m_ready(ready)
    {
    }
    [[noreturn]] void run();

private:
    [[noreturn]] void fail(const std::string& why);
    void note(const std::string& text) { write_all(m_log, "husk: " + text + "\n"); }
    void become_ready();
    void start_qemu();
    void accept_requests();
    void handle_request(int fd);
    void stop(int signal, double timeout_s);
    void read_status();
    void read_qemu_output();

    const QemuLauncher& m_launcher;
    double m_stop_timeout_s;
    InstanceRecord m_record;
    std::string m_dir;
    int m_ready;          // the pipe to husk run until the guest runs
    int m_log = -1;       // console.log, O_APPEND
    int m_listener = -1;  // the control socket
    int m_channel = -1;   // COM2's other end
    int m_qemu_errors = -1; // QEMU's stdout and stderr
    int m_signals = -1;
    pid_t m_qemu = -1;
    bool m_is_ready = false, m_killed = false;
    int m_stop_signal = 0;
    uint64_t m_deadline = 0;
    std::string m_status_text, m_qemu_said;
    std::vector<int> m_waiters; // connections that wait for the end
    sigset_t m_old_mask;
};

void Supervisor::fail(const std::string& why)
{
    write_all(m_ready, "error " + why);
    _exit(1);
}

void Supervisor::become_ready()
{
    m_is_ready = true;
    m_record.pid = getpid();
    write_record(m_dir, m_record);
    write_all(m_ready, "ok\n");
    close(m_ready);
    m_ready = -1;
    if (!m_qemu_said.empty()) // QEMU's warnings
        write_all(m_log, m_qemu_said);
}

void Supervisor::start_qemu()
{
    int channel[2], errors[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0 || pipe2(errors, O_CLOEXEC) != 0)
        fail(std::string("cannot create a socket pair: ") + std::strerror(errno));
    std::string to_log = "file,path=" + qemu_value(m_dir + "/console.log") + ",append=on";
    GuestChardevs chardevs { to_log, to_log, to_log, "socket,fd=" + std::to_string(channel[1]) };
    std::vector<std::string> args = m_launcher.arguments(chardevs);
    std::vector<char*> argv;
    for (auto& s : args)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t self = getpid();
    m_qemu = fork();
    if (m_qemu == 0) {
        // QEMU dies with its supervisor, even one killed with -9: the
        // instance then reads as exited, and nothing runs unsupervised.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != self)
            _exit(kStatusNoStatus);
        fcntl(channel[1], F_SETFD, 0); // QEMU's end crosses exec
        dup2(errors[1], STDOUT_FILENO);
        dup2(errors[1], STDERR_FILENO);
        sigprocmask(SIG_SETMASK, &m_old_mask, nullptr);
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv.data());
        std::fprintf(stderr, "cannot start %s: %s (install qemu-system-x86)\n", argv[0], std::strerror(errno));
        _exit(127);
    }
    if (m_qemu < 0)
        fail(std::string("cannot fork: ") + std::strerror(errno));
    close(channel[1]);
    close(errors[1]);
    m_channel = channel[0];
    m_qemu_errors = errors[0];
}

void Supervisor::read_status()
{
    char buf[256];
    ssize_t n;
    while ((n = recv(m_channel, buf, sizeof buf, MSG_DONTWAIT)) > 0)
        m_status_text.append(buf, size_t(n));
    if (n == 0) { // QEMU closed it: it is ending
        close(m_channel);
        m_channel = -1;
    }
}

void Supervisor::read_qemu_output()
{
    char buf[4096];
    ssize_t n = read(m_qemu_errors, buf, sizeof buf);
    if (n > 0) {
        if (m_is_ready)
            write_all(m_log, std::string(buf, size_t(n)));
        else
            m_qemu_said.append(buf, size_t(n));
    } else if (n == 0 || errno != EINTR) {
        close(m_qemu_errors);
        m_qemu_errors = -1;
    }
}

void Supervisor::stop(int signal, double timeout_s)
{
    uint64_t deadline = now_ns() + uint64_t(timeout_s * 1e9);
    if (m_stop_signal) {
        m_deadline = std::min(m_deadline, deadline);
        return;
    }
    m_stop_signal = signal;
    m_deadline = deadline;
    std::string request = "husk-stop:" + std::to_string(signal) + "\n";
    if (m_channel >= 0)
        (void)!send(m_channel, request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void Supervisor::handle_request(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    timeval limit { 2, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string line;
    char c;
    while (line.size() < 64 && read(fd, &c, 1) == 1 && c != '\n')
        line += c;
    char word[16] = {};
    double value = 0;
    if (std::sscanf(line.c_str(), "%15s %lf", word, &value) != 2) {
        write_all(fd, "error: a request is 'stop SECONDS' or 'kill SIGNAL'\n");
        close(fd);
        return;
    }
    std::string what = word;
    int signal = int(value);
    if (what == "stop" && value >= 0) {
        note("stop requested: SIGTERM to pid 1, " + std::to_string(int(value)) + " s to stop");
        stop(SIGTERM, value);
        write_all(fd, "ok\n");
        m_waiters.push_back(fd);
    } else if (what == "kill" && signal == SIGKILL) {
        note("kill requested: QEMU killed");
        kill(m_qemu, SIGKILL);
        m_killed = true;
        write_all(fd, "ok\n");
        m_waiters.push_back(fd);
    } else if (what == "kill" && signal >= 1 && signal <= 64) {
        std::string request = "husk-signal:" + std::to_string(signal) + "\n";
        bool sent = m_channel >= 0 && send(m_channel, request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT) > 0;
        write_all(fd, sent ? "ok\n" : "error: the guest is ending\n");
        close(fd);
    } else {
        write_all(fd, "error: a request is 'stop SECONDS' or 'kill SIGNAL'\n");
        close(fd);
    }
}

void Supervisor::accept_requests()
{
    for (int fd; (fd = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;)
        handle_request(fd);
}

void Supervisor::run()
{
    std::string log_path = m_dir + "/console.log";
    m_log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (m_log < 0 || null < 0)
        fail("cannot create " + log_path + ": " + std::strerror(errno));
    // Nothing of husk run's terminal or pipes stays open here: a test's
    // $(husk run -d ...) returns, and a closed terminal sends nothing.
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(m_log, STDERR_FILENO);
    signal(SIGPIPE, SIG_IGN);

    std::string control = m_dir + "/control";
    sockaddr_un address;
    int dir_fd;
    if (!control_address(m_dir, &address, &dir_fd))
        fail("cannot open " + m_dir + ": " + std::strerror(errno));
    m_listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    unlink(control.c_str());
    if (m_listener < 0 || bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0
        || listen(m_listener, 16) != 0)
        fail("cannot listen on " + control + ": " + std::strerror(errno));
    if (dir_fd >= 0)
        close(dir_fd);

    sigset_t waited;
    sigemptyset(&waited);
    for (int s : { SIGCHLD, SIGTERM, SIGINT, SIGHUP })
        sigaddset(&waited, s);
    sigprocmask(SIG_BLOCK, &waited, &m_old_mask);
    m_signals = signalfd(-1, &waited, SFD_CLOEXEC | SFD_NONBLOCK);
    start_qemu();

    uint64_t started = now_ns();
    int wstatus = 0;
    ForwardBacklog forwards(m_launcher.options().netdevs);
    Ipv6Forward forwards6(m_launcher.options().netdevs); // the same ports on [::1]
    for (;;) {
        if (waitpid(m_qemu, &wstatus, WNOHANG) == m_qemu)
            break;
        forwards.widen(m_qemu);
        uint64_t now = now_ns();
        if (m_deadline && now >= m_deadline) {
            note("the guest did not stop in time: QEMU killed (writes it had not synced may be lost)");
            kill(m_qemu, SIGKILL);
            waitpid(m_qemu, &wstatus, 0);
            m_killed = true;
            break;
        }
        if (!m_is_ready) {
            struct stat st;
            if ((fstat(m_log, &st) == 0 && st.st_size > 0) || !m_status_text.empty()
                || now - started > uint64_t(kReadyWithoutOutputS * 1e9))
                become_ready();
        }
        std::vector<pollfd> fds = { { m_signals, POLLIN, 0 }, { m_listener, short(m_is_ready ? POLLIN : 0), 0 }, { m_channel, POLLIN, 0 },
                                    { m_qemu_errors, POLLIN, 0 } };
        int wait_ms = !m_is_ready ? 50 : m_deadline ? int((m_deadline - now) / 1000000) + 1 : 3600 * 1000;
        if (poll(fds.data(), fds.size(), forwards.poll_ms(wait_ms)) <= 0)
            continue;
        if (fds[2].revents)
            read_status();
        if (fds[3].revents)
            read_qemu_output();
        if (fds[1].revents && m_is_ready)
            accept_requests();
        if (fds[0].revents) {
            signalfd_siginfo info;
            int sig = read(m_signals, &info, sizeof info) == sizeof info ? int(info.ssi_signo) : 0;
            if (sig > 0 && sig != SIGCHLD) {
                if (m_stop_signal) { // a second one: at once
                    kill(m_qemu, SIGKILL);
                    m_killed = true;
                } else {
                    stop(sig, m_stop_timeout_s); // as husk run -i does
                }
            }
        }
    }
    if (m_channel >= 0)
        read_status();
    while (m_qemu_errors >= 0)
        read_qemu_output();
    int reported = parse_status(m_status_text);
    if (!m_is_ready) {
        if (reported < 0) {
            while (!m_qemu_said.empty() && m_qemu_said.back() == '\n')
                m_qemu_said.pop_back();
            fail(m_qemu_said);
        }
        become_ready(); // it ran, and ended at once
    }
    m_record.finished = true;
    m_record.finished_at = time(nullptr);
    if (m_killed)
        m_record.exit_status = kStatusKilled;
    else if (reported >= 0)
        m_record.exit_status = reported & 0xff;
    else {
        note(std::string("QEMU ") + (WIFSIGNALED(wstatus) ? "was killed" : "exited") + " without a status from the guest");
        m_record.exit_status = kStatusNoStatus;
    }
    close(m_listener);
    unlink(control.c_str());
    std::error_code ec;
    if (m_record.auto_remove)
        std::filesystem::remove_all(m_dir, ec);
    else
        write_record(m_dir, m_record);
    _exit(0); // the waiting connections see end of file now
}
} // namespace

int start_instance(const QemuLauncher& launcher, double stop_timeout_s, InstanceRecord record)
{
    std::error_code ec;
    std::string root = std::filesystem::absolute(state_root(), ec).string();
    std::filesystem::create_directories(root, ec);
    if (ec) {
        std::fprintf(stderr, "husk run: cannot create the state directory %s: %s\n", root.c_str(), ec.message().c_str());
        return kStatusNoStatus;
    }
    bool named = !record.name.empty();
    std::string dir;
    for (int attempt = 0;; ++attempt) {
        if (!named)
            record.name = generate_instance_name();
        dir = root + "/" + record.name;
        if (mkdir(dir.c_str(), 0700) == 0)
            break;
        if (errno == EEXIST && !named && attempt < 20)
            continue;
        if (errno == EEXIST) {
            auto other = read_record(dir);
            std::string id = other ? other->id.substr(0, 12) : std::string("being made");
            std::fprintf(stderr,
                         "husk run: the name '%s' is in use by instance %s; remove it (husk rm %s) or choose another --name\n",
                         record.name.c_str(), id.c_str(), record.name.c_str());
            return kNameInUse;
        }
        std::fprintf(stderr, "husk run: cannot create %s: %s\n", dir.c_str(), std::strerror(errno));
        return kStatusNoStatus;
    }
    // Taken before the supervisor exists and inherited by it: the instance
    // never reads as exited while it starts.
    int lock = open((dir + "/lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    record.id = generate_instance_id();
    record.created = time(nullptr);
    int ready[2];
    if (lock < 0 || flock(lock, LOCK_EX) != 0 || !write_record(dir, record) || pipe2(ready, O_CLOEXEC) != 0) {
        std::fprintf(stderr, "husk run: cannot record the instance in %s: %s\n", dir.c_str(), std::strerror(errno));
        std::filesystem::remove_all(dir, ec);
        return kStatusNoStatus;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t child = fork();
    if (child == 0) {
        close(ready[0]);
        setsid(); // no terminal: its hangup, its Ctrl-C reach no supervisor
        pid_t supervisor = fork();
        if (supervisor == 0)
            Supervisor(launcher, stop_timeout_s, record, dir, ready[1]).run();
        _exit(supervisor < 0 ? 1 : 0);
    }
    close(ready[1]);
    int wstatus;
    if (child > 0)
        waitpid(child, &wstatus, 0);
    std::string answer;
    char buf[4096];
    for (ssize_t n; (n = read(ready[0], buf, sizeof buf)) != 0;)
        if (n > 0)
            answer.append(buf, size_t(n));
        else if (errno != EINTR)
            break;
    close(ready[0]);
    close(lock); // the supervisor holds it now
    if (answer.rfind("ok", 0) == 0) {
        std::printf("%s\n", record.name.c_str());
        return 0;
    }
    std::string why = answer.rfind("error ", 0) == 0 ? answer.substr(6) : "its supervisor ended before it started";
    std::fprintf(stderr, "husk run: QEMU could not start the guest%s%s\n", why.empty() ? "" : ": ", why.c_str());
    std::filesystem::remove_all(dir, ec);
    return kStatusNoStatus;
}

std::string control_request(const std::string& dir, const std::string& request, double wait_s)
{
    sockaddr_un address;
    int dir_fd;
    if (!control_address(dir, &address, &dir_fd))
        return "cannot open " + dir + ": " + std::strerror(errno);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool connected = fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    int error = errno;
    if (dir_fd >= 0)
        close(dir_fd);
    if (!connected) {
        if (fd >= 0)
            close(fd);
        return std::string("cannot reach its supervisor: ") + std::strerror(error);
    }
    write_all(fd, request + "\n");
    // The answer line, then (wait_s) end of file when the supervisor ends.
    uint64_t deadline = now_ns() + uint64_t((wait_s > 0 ? wait_s : 10) * 1e9);
    std::string answer;
    bool answered = false;
    for (;;) {
        uint64_t now = now_ns();
        if (now >= deadline)
            break;
        pollfd p { fd, POLLIN, 0 };
        if (poll(&p, 1, int((deadline - now) / 1000000) + 1) <= 0)
            continue;
        char buf[256];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            if (!answered && answer.empty())
                return "its supervisor ended without an answer";
            return answer.rfind("error", 0) == 0 ? answer.substr(answer.find(' ') + 1) : "";
        }
        answer.append(buf, size_t(n));
        if (!answered && answer.find('\n') != std::string::npos) {
            answered = true;
            answer = answer.substr(0, answer.find('\n'));
            if (answer.rfind("error", 0) == 0 || wait_s <= 0) {
                close(fd);
                return answer.rfind("error", 0) == 0 ? answer.substr(answer.find(' ') + 1) : "";
            }
        }
    }
    close(fd);
    return answered ? "it did not end in time" : "its supervisor did not answer";
}

} // namespace husk::tools
