#include "OciCommand.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <husk/version.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../InstanceStore.h"
#include "../Supervisor.h"
#include "OciConfig.h"
#include "OciNetwork.h"
#include "OciRootImage.h"

namespace husk::tools {
namespace {

using nlohmann::json;
constexpr const char* kSpecVersion = "1.1.0";

struct Globals {
    std::string root = "/run/husk-oci", log, log_format = "text", platform = "qemu";
    bool debug = false;
} g;

// runc's errors: on stderr, and in --log (logrus text or JSON lines) where
// engines such as podman look for them.
void log_line(const char* level, const std::string& msg)
{
    if (g.log.empty())
        return;
    std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    std::ofstream out(g.log, std::ios::app);
    if (g.log_format == "json")
        out << json { { "level", level }, { "msg", msg }, { "time", when } }.dump() << "\n";
    else
        out << "time=\"" << when << "\" level=" << level << " msg=" << json(msg).dump() << "\n";
}

int fail(const std::string& msg)
{
    std::fprintf(stderr, "husk-oci: %s\n", msg.c_str());
    log_line("error", msg);
    return 1;
}

void debug(const std::string& msg)
{
    if (g.debug)
        log_line("debug", msg);
}

// --- the state directory ---------------------------------------------------

struct State {
    std::string id, bundle, rootfs, annotations = "{}";
    std::string netns, resolv_conf; // the network namespace to join at start (OciNetwork.h)
    long pid = 0;
    bool started = false, finished = false, terminal = false;
    int exit_status = -1;
    int64_t created = 0;
    std::vector<std::string> run_args;
};

std::string dir_of(const std::string& id) { return g.root + "/" + id; }

bool valid_id(const std::string& id)
{
    if (id.empty() || id == "." || id == ".." || id.size() > 1024)
        return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("_+-.", c))
            return false;
    return true;
}

bool write_state(const std::string& dir, const State& s)
{
    json j { { "id", s.id }, { "bundle", s.bundle }, { "rootfs", s.rootfs }, { "annotations", json::parse(s.annotations) },
             { "pid", s.pid }, { "started", s.started }, { "finished", s.finished }, { "exitStatus", s.exit_status },
             { "created", s.created }, { "terminal", s.terminal }, { "runArgs", s.run_args },
             { "netns", s.netns }, { "resolvConf", s.resolv_conf } };
    std::string tmp = dir + "/state.json.tmp";
    {
        std::ofstream out(tmp);
        out << j.dump(2) << "\n";
        if (!out)
            return false;
    }
    return std::rename(tmp.c_str(), (dir + "/state.json").c_str()) == 0;
}

std::optional<State> read_state(const std::string& dir)
{
    std::ifstream in(dir + "/state.json");
    if (!in)
        return std::nullopt;
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::nullopt;
    State s;
    try {
        s.id = j.at("id");
        s.bundle = j.at("bundle");
        s.rootfs = j.value("rootfs", "");
        s.annotations = j.value("annotations", json::object()).dump();
        s.pid = j.at("pid");
        s.started = j.value("started", false);
        s.finished = j.value("finished", false);
        s.exit_status = j.value("exitStatus", -1);
        s.created = j.value("created", int64_t(0));
        s.terminal = j.value("terminal", false);
        s.run_args = j.value("runArgs", std::vector<std::string> {});
        s.netns = j.value("netns", "");
        s.resolv_conf = j.value("resolvConf", "");
    } catch (const json::exception&) {
        return std::nullopt;
    }
    return s;
}

std::string status_of(const std::string& dir, const State& s)
{
    bool alive = supervisor_alive(dir); // before the record's finished: one that ends meanwhile reads as stopped
    if (s.finished || !alive || s.pid == 0)
        return "stopped";
    return s.started ? "running" : "created";
}

json state_json(const State& s, const std::string& status)
{
    return json { { "ociVersion", kSpecVersion }, { "id", s.id }, { "status", status },
                  { "pid", status == "stopped" ? 0 : s.pid }, { "bundle", s.bundle }, { "rootfs", s.rootfs },
                  { "created", iso_time(s.created) }, { "owner", "" }, { "annotations", json::parse(s.annotations) } };
}

struct Found {
    std::string dir;
    State state;
};

std::optional<Found> find(const std::string& id, int* status)
{
    if (!valid_id(id)) {
        *status = fail("invalid container id '" + id + "'");
        return std::nullopt;
    }
    std::string dir = dir_of(id);
    auto s = read_state(dir);
    if (!s) {
        *status = fail("container " + id + " does not exist");
        return std::nullopt;
    }
    return Found { dir, *s };
}

// --- the container's supervisor ----------------------------------------------

void write_text(int fd, const std::string& text) { (void)!write(fd, text.data(), text.size()); }

int listen_control(const std::string& dir)
{
    std::string path = dir + "/control";
    int dir_fd = -1;
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) {
        dir_fd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        path = "/proc/self/fd/" + std::to_string(dir_fd) + "/control";
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && listen(fd, 8) == 0;
    if (dir_fd >= 0)
        close(dir_fd);
    return ok ? fd : -1;
}

class ContainerSupervisor {
public:
    // tty: the pty's terminal end for the program's stdio (process.terminal), else -1: create's fd 0, 1, 2.
    ContainerSupervisor(std::string dir, State state, int tty) : m_dir(std::move(dir)), m_state(std::move(state)), m_tty(tty) { }

    // In create's child: never returns. ready gets "ok\n" once requests
    // are taken, or the reason it could not start.
    [[noreturn]] void run(int ready)
    {
        setsid();
        (void)!chdir("/");
        int lock = open((m_dir + "/lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
        if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0)
            abandon(ready, "cannot lock " + m_dir + "/lock");
        m_listener = listen_control(m_dir);
        if (m_listener < 0)
            abandon(ready, "cannot listen on " + m_dir + "/control: " + std::strerror(errno));
        sigset_t waited;
        sigemptyset(&waited);
        for (int s : { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT, SIGPIPE })
            sigaddset(&waited, s);
        sigprocmask(SIG_BLOCK, &waited, &m_old_mask);
        m_signals = signalfd(-1, &waited, SFD_CLOEXEC | SFD_NONBLOCK);
        m_state.pid = getpid();
        if (!write_state(m_dir, m_state))
            abandon(ready, "cannot write " + m_dir + "/state.json");
        write_text(ready, "ok\n");
        close(ready);
        for (;;) {
            pollfd fds[2] = { { m_signals, POLLIN, 0 }, { m_listener, POLLIN, 0 } };
            if (poll(fds, 2, -1) <= 0)
                continue;
            if (fds[0].revents) {
                signalfd_siginfo info;
                while (read(m_signals, &info, sizeof info) == sizeof info) {
                    int sig = int(info.ssi_signo);
                    if (sig == SIGCHLD)
                        reap();
                    else if (sig != SIGPIPE)
                        deliver(sig); // a signal to the container's pid is the container's
                }
            }
            if (fds[1].revents)
                serve();
        }
    }

private:
    [[noreturn]] void abandon(int ready, const std::string& why)
    {
        write_text(ready, why + "\n");
        _exit(1);
    }

    [[noreturn]] void finish(int status)
    {
        m_state.finished = true;
        m_state.exit_status = status;
        write_state(m_dir, m_state);
        debug(m_state.id + ": ended with status " + std::to_string(status));
        _exit(status); // the waiting clients' connections close with us
    }

    void reap()
    {
        int wstatus;
        if (m_child > 0 && waitpid(m_child, &wstatus, WNOHANG) == m_child)
            finish(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus));
        while (waitpid(-1, &wstatus, WNOHANG) > 0) { }
    }

    // SIGKILL: QEMU and husk run at once (137). SIGTERM, SIGINT, SIGHUP:
    // husk run -i's stop (pid 1 gets it, the guest syncs and halts, 128+N).
    // SIGUSR1, SIGUSR2: husk run -i passes them to pid 1. Before start
    // there is nothing to signal: the container ends with 128+N.
    std::string deliver(int sig)
    {
        if (m_child <= 0)
            finish(128 + sig);
        if (sig == SIGKILL)
            kill(-m_child, SIGKILL);
        else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGUSR1 || sig == SIGUSR2)
            kill(m_child, sig);
        else
            return "signal " + std::to_string(sig) + " cannot be delivered to the guest yet (KILL, TERM, INT, HUP, USR1, USR2)";
        return "";
    }

    // Forks husk run (in the container's network namespace, joined with
    // a TAP, when the engine gave one). "" once it is running, or why not:
    // what failed before exec comes back on a pipe that exec closes.
    std::string start()
    {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = 0;
        std::vector<std::string> args { self, "run" };
        args.insert(args.end(), m_state.run_args.begin(), m_state.run_args.end());
        int report[2];
        if (pipe2(report, O_CLOEXEC) != 0)
            return std::string("cannot create a pipe: ") + std::strerror(errno);
        pid_t parent = getpid();
        pid_t pid = fork();
        if (pid == 0) {
            setsid(); // its own group, QEMU's too: SIGKILL reaches both; the pty its controlling terminal
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(137);
            if (m_tty >= 0) {
                ioctl(m_tty, TIOCSCTTY, 0);
                for (int fd = 0; fd < 3; ++fd)
                    dup2(m_tty, fd);
            }
            sigprocmask(SIG_SETMASK, &m_old_mask, nullptr);
            // What the engine left open to create is not the guest's; the report pipe is fd 3 until exec.
            if (report[1] != 3)
                dup3(report[1], 3, O_CLOEXEC);
            close_range(4, ~0U, 0);
            auto refuse = [](const std::string& why) {
                write_text(3, why);
                _exit(127);
            };
            if (!m_state.netns.empty()) {
                std::vector<std::string> network;
                if (std::string why = oci::join_network(m_state.netns, m_state.resolv_conf, &network); !why.empty())
                    refuse("network: " + why);
                args.insert(args.begin() + 2, network.begin(), network.end()); // after "husk run"
            }
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(self, argv.data());
            refuse(std::string("cannot run ") + self + ": " + std::strerror(errno));
        }
        close(report[1]);
        if (pid < 0) {
            close(report[0]);
            return std::string("cannot fork: ") + std::strerror(errno);
        }
        setpgid(pid, pid);
        std::string why;
        char buf[512];
        for (ssize_t got; (got = read(report[0], buf, sizeof buf)) != 0;) {
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                break;
            why.append(buf, size_t(got));
        }
        close(report[0]);
        m_child = pid;
        if (!why.empty()) { // the child has exited (127): the container ends, reaped as any end
            while (!why.empty() && why.back() == '\n')
                why.pop_back();
            for (auto& c : why)
                c = c == '\n' ? ' ' : c; // the answer is one line
            return why;
        }
        m_state.started = true;
        write_state(m_dir, m_state);
        return "";
    }

    void serve()
    {
        int fd = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            return;
        pollfd p { fd, POLLIN, 0 };
        std::string request;
        char buf[128];
        while (request.find('\n') == std::string::npos && poll(&p, 1, 1000) > 0) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            request.append(buf, size_t(n));
        }
        request = request.substr(0, request.find('\n'));
        int sig = 0;
        if (request == "start") {
            if (m_child > 0)
                write_text(fd, "error: cannot start an already running container\n");
            else if (std::string why = start(); !why.empty())
                write_text(fd, "error: " + why + "\n");
            else
                write_text(fd, "ok\n");
        } else if (std::sscanf(request.c_str(), "kill %d", &sig) == 1 && sig > 0 && sig < 65) {
            // KILL and a kill before start end the container: the client
            // reads to end of file, which our exit brings.
            if (sig == SIGKILL || m_child <= 0) {
                write_text(fd, "ok\n");
                m_waiting.push_back(fd);
                fd = -1;
                deliver(sig);
            } else {
                std::string why = deliver(sig);
                write_text(fd, why.empty() ? "ok\n" : "error: " + why + "\n");
            }
        } else {
            write_text(fd, "error: unknown request\n");
        }
        if (fd >= 0)
            close(fd);
    }

    std::string m_dir;
    State m_state;
    int m_listener = -1, m_signals = -1;
    sigset_t m_old_mask {};
    int m_tty = -1;
    pid_t m_child = 0;
    std::vector<int> m_waiting;
};

// --- argument parsing as runc's (Go's flag package: -f, --f, --f=v) -----------

struct Flags {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;
};

// names: "bundle,b=" takes a value, "force,f" is a switch.
std::optional<Flags> parse_flags(const std::vector<std::string>& args, const std::vector<std::string>& names, int* status)
{
    std::map<std::string, std::pair<std::string, bool>> known; // alias -> (name, takes a value)
    for (const auto& spec : names) {
        bool value = spec.back() == '=';
        std::string list = value ? spec.substr(0, spec.size() - 1) : spec;
        std::string first = list.substr(0, list.find(','));
        for (size_t start = 0; start <= list.size();) {
            size_t comma = list.find(',', start);
            known[list.substr(start, comma == std::string::npos ? std::string::npos : comma - start)] = { first, value };
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    Flags f;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            f.positional.insert(f.positional.end(), args.begin() + long(i) + 1, args.end());
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            f.positional.push_back(a);
            continue;
        }
        std::string name = a.substr(a[1] == '-' ? 2 : 1);
        std::optional<std::string> value;
        if (size_t eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        auto it = known.find(name);
        if (it == known.end()) {
            *status = fail("flag provided but not defined: -" + name);
            return std::nullopt;
        }
        if (it->second.second && !value) {
            if (i + 1 >= args.size()) {
                *status = fail("flag needs an argument: -" + name);
                return std::nullopt;
            }
            value = args[++i];
        }
        f.values[it->second.first] = value.value_or("true");
    }
    return f;
}

bool has(const Flags& f, const char* name) { return f.values.count(name) && f.values.at(name) != "false"; }

std::optional<std::string> one_id(const Flags& f, const char* command, int* status)
{
    if (f.positional.size() != 1) {
        *status = fail(std::string(command) + ": wants exactly one container id (" + std::to_string(f.positional.size())
                       + " given)");
        return std::nullopt;
    }
    return f.positional[0];
}

int parse_signal(const std::string& text)
{
    static const std::pair<const char*, int> names[] = {
        { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL }, { "TRAP", SIGTRAP },
        { "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 },
        { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
        { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
        { "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM },
        { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
    };
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        int n = std::atoi(text.c_str());
        return n > 0 && n < 65 && text.size() < 4 ? n : 0;
    }
    std::string name = text;
    for (auto& c : name)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("SIG", 0) == 0)
        name = name.substr(3);
    for (const auto& [n, v] : names)
        if (name == n)
            return v;
    return 0;
}

// --- the commands ----------------------------------------------------------------

// process.terminal: a pty whose master goes to the engine's console
// socket (SCM_RIGHTS, the pty's name as the message, as runc sends it);
// *tty gets the terminal end, the program's stdio. "" or why not.
std::string open_console(const std::string& socket_path, int* tty)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
        return std::string("cannot open a pty: ") + std::strerror(errno);
    std::string name = ptsname(master);
    *tty = open(name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof address.sun_path) {
        close(master);
        return "--console-socket: the path is too long";
    }
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*tty < 0 || fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::string why = "--console-socket " + socket_path + ": " + std::strerror(errno);
        close(master);
        if (fd >= 0)
            close(fd);
        return why;
    }
    char control[CMSG_SPACE(sizeof(int))] {};
    iovec iov { name.data(), name.size() };
    msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &master, sizeof(int));
    bool sent = sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0;
    int error = errno;
    close(fd);
    close(master);
    return sent ? "" : "--console-socket " + socket_path + ": cannot send the pty: " + std::strerror(error);
}

int cmd_create(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, { "bundle,b=", "pid-file=", "console-socket=", "no-pivot", "no-new-keyring", "preserve-fds=", "pidfd-socket=" }, &status);
    if (!f)
        return status;
    auto id = one_id(*f, "create", &status);
    if (!id)
        return status;
    if (!valid_id(*id))
        return fail("invalid container id '" + *id + "'");
    if (f->values.count("preserve-fds") && f->values["preserve-fds"] != "0")
        return fail("--preserve-fds: passing descriptors beyond stdio is not supported yet");
    std::error_code ec;
    std::string bundle = f->values.count("bundle") ? f->values["bundle"] : ".";
    std::filesystem::path absolute = std::filesystem::absolute(bundle, ec);
    bundle = std::filesystem::weakly_canonical(absolute, ec).string();
    if (ec)
        bundle = absolute.string();
    oci::BundleRun run;
    run.platform = g.platform;
    if (std::string why = oci::read_bundle(bundle, &run); !why.empty())
        return fail(why);
    for (const auto& w : run.warnings)
        log_line("warning", w);
    // The root as an ext2 image, found again for a tree seen before (OciRootImage.h).
    std::string why;
    std::string image = oci::root_image(g.root + "/@images", run.rootfs, &why);
    if (image.empty())
        return fail("config.json: " + why);
    auto root_arg = std::find(run.run_args.begin(), run.run_args.end(), "--rootfs");
    if (root_arg != run.run_args.end() && root_arg + 1 != run.run_args.end())
        root_arg[1] = image;
    std::filesystem::create_directories(g.root, ec);
    std::string dir = dir_of(*id);
    if (mkdir(dir.c_str(), 0700) != 0)
        return fail(errno == EEXIST ? "container with id exists: " + *id : "cannot create " + dir + ": " + std::strerror(errno));
    State s;
    s.id = *id;
    s.bundle = bundle;
    s.rootfs = run.rootfs;
    s.annotations = run.annotations_json;
    s.created = int64_t(std::time(nullptr));
    s.run_args = run.run_args;
    s.netns = run.netns;
    s.resolv_conf = run.resolv_conf;
    if (!write_state(dir, s)) {
        std::filesystem::remove_all(dir, ec);
        return fail("cannot write " + dir + "/state.json");
    }
    s.terminal = run.terminal;
    int tty = -1;
    if (run.terminal) {
        std::string why = f->values.count("console-socket") ? open_console(f->values["console-socket"], &tty)
                                                           : "process.terminal is true: create wants --console-socket";
        if (!why.empty()) {
            std::filesystem::remove_all(dir, ec);
            return fail(why);
        }
    }
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) {
        std::filesystem::remove_all(dir, ec);
        return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        ContainerSupervisor(dir, s, tty).run(ready[1]);
    }
    close(ready[1]);
    if (tty >= 0)
        close(tty);
    std::string answer;
    char buf[512];
    for (ssize_t n; (n = read(ready[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        answer.append(buf, size_t(n));
    }
    close(ready[0]);
    if (pid < 0 || answer != "ok\n") {
        if (pid > 0)
            waitpid(pid, nullptr, 0);
        std::filesystem::remove_all(dir, ec);
        return fail("cannot start the container's supervisor: " + (pid < 0 ? std::string(std::strerror(errno)) : answer.substr(0, answer.find('\n'))));
    }
    if (f->values.count("pid-file")) {
        std::string path = f->values["pid-file"], tmp = path + ".tmp";
        std::ofstream(tmp) << pid;
        if (std::rename(tmp.c_str(), path.c_str()) != 0)
            return fail("cannot write the pid file " + path + ": " + std::strerror(errno));
    }
    debug(*id + ": created, pid " + std::to_string(pid));
    return 0;
}

int cmd_start(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, {}, &status);
    std::optional<std::string> id;
    std::optional<Found> c;
    if (!f || !(id = one_id(*f, "start", &status)) || !(c = find(*id, &status)))
        return status;
    std::string st = status_of(c->dir, c->state);
    if (st == "stopped")
        return fail("cannot start a container that has stopped");
    if (st == "running")
        return fail("cannot start an already running container");
    if (std::string why = control_request(c->dir, "start", 0); !why.empty())
        return fail("start " + *id + ": " + why);
    return 0;
}

int cmd_state(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, {}, &status);
    std::optional<std::string> id;
    std::optional<Found> c;
    if (!f || !(id = one_id(*f, "state", &status)) || !(c = find(*id, &status)))
        return status;
    std::string st = status_of(c->dir, c->state);
    if (st == "stopped") // the record may have been rewritten as it ended
        if (auto again = read_state(c->dir))
            c->state = *again;
    std::printf("%s\n", state_json(c->state, st).dump(2).c_str());
    return 0;
}

int cmd_kill(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, { "all,a" }, &status);
    if (!f)
        return status;
    if (f->positional.empty() || f->positional.size() > 2)
        return fail("kill: wants a container id and optionally a signal");
    std::optional<Found> c = find(f->positional[0], &status);
    if (!c)
        return status;
    int sig = f->positional.size() == 2 ? parse_signal(f->positional[1]) : SIGTERM;
    if (!sig)
        return fail("unknown signal \"" + f->positional[1] + "\"");
    if (status_of(c->dir, c->state) == "stopped")
        return fail("container not running");
    bool ends = sig == SIGKILL || !c->state.started;
    if (std::string why = control_request(c->dir, "kill " + std::to_string(sig), ends ? 30 : 0); !why.empty())
        return fail("kill " + c->state.id + ": " + why);
    return 0;
}

int cmd_delete(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, { "force,f" }, &status);
    std::optional<std::string> id;
    if (!f || !(id = one_id(*f, "delete", &status)))
        return status;
    if (!valid_id(*id))
        return fail("invalid container id '" + *id + "'");
    std::string dir = dir_of(*id);
    std::error_code ec;
    auto s = read_state(dir);
    if (!s) {
        if (has(*f, "force")) { // runc: --force of a missing container is no error
            std::filesystem::remove_all(dir, ec);
            return 0;
        }
        return fail("container " + *id + " does not exist");
    }
    std::string st = status_of(dir, *s);
    if (st == "running" && !has(*f, "force"))
        return fail("cannot delete container " + *id + " that is not stopped: running");
    if (st != "stopped")
        control_request(dir, "kill 9", 30);
    for (int i = 0; i < 100 && supervisor_alive(dir); ++i)
        usleep(50000);
    if (supervisor_alive(dir))
        return fail("container " + *id + ": its supervisor (pid " + std::to_string(s->pid) + ") does not end");
    std::filesystem::remove_all(dir, ec);
    if (ec)
        return fail("cannot remove " + dir + ": " + ec.message());
    return 0;
}

int cmd_list(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, { "format,f=", "quiet,q" }, &status);
    if (!f)
        return status;
    std::string format = f->values.count("format") ? f->values["format"] : "table";
    if (format != "table" && format != "json")
        return fail("invalid format option");
    std::vector<json> all;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(g.root, ec)) {
        std::string dir = entry.path().string();
        if (auto s = read_state(dir))
            all.push_back(state_json(*s, status_of(dir, *s)));
    }
    std::sort(all.begin(), all.end(), [](const json& a, const json& b) { return a["id"] < b["id"]; });
    if (has(*f, "quiet")) {
        for (const auto& c : all)
            std::printf("%s\n", c["id"].get<std::string>().c_str());
    } else if (format == "json") {
        std::printf("%s\n", (all.empty() ? json(nullptr) : json(all)).dump().c_str());
    } else {
        std::printf("%-12s %-10s %-10s %-40s %-22s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (const auto& c : all)
            std::printf("%-12s %-10ld %-10s %-40s %-22s %s\n", c["id"].get<std::string>().c_str(), c["pid"].get<long>(),
                        c["status"].get<std::string>().c_str(), c["bundle"].get<std::string>().c_str(),
                        c["created"].get<std::string>().c_str(), "root");
    }
    return 0;
}

int cmd_ps(const std::vector<std::string>& args)
{
    int status = 0;
    auto f = parse_flags(args, { "format,f=" }, &status);
    std::optional<std::string> id;
    std::optional<Found> c;
    if (!f || !(id = one_id(*f, "ps", &status)) || !(c = find(*id, &status)))
        return status;
    std::string st = status_of(c->dir, c->state);
    if (f->values.count("format") && f->values["format"] == "json") {
        std::printf("%s\n", (st == "stopped" ? json::array() : json::array({ c->state.pid })).dump().c_str());
        return 0;
    }
    // The guest's processes live in its kernel; the host sees the supervisor.
    std::printf("UID        PID  STATUS\n");
    if (st != "stopped")
        std::printf("root %9ld  %s\n", c->state.pid, st.c_str());
    return 0;
}

int cmd_features()
{
    json features {
        { "ociVersionMin", "1.0.0" },
        { "ociVersionMax", kSpecVersion },
        { "hooks", json::array() },
        { "mountOptions", { "bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "relatime", "private", "rprivate" } },
        { "linux",
          { { "namespaces", { "cgroup", "ipc", "mount", "network", "pid", "user", "uts" } },
            { "capabilities", json::array() },
            { "cgroup", { { "v1", false }, { "v2", false }, { "systemd", false }, { "systemdUser", false } } },
            { "seccomp", { { "enabled", false } } },
            { "apparmor", { { "enabled", false } } },
            { "selinux", { { "enabled", false } } } } },
        { "annotations", { { "org.husk.runtime.version", HUSK_VERSION }, { "org.husk.runtime.isolation", "microvm" } } },
    };
    std::printf("%s\n", features.dump(2).c_str());
    return 0;
}

const char* usage_text()
{
    return "usage: husk oci [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
                "       husk-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n\n"
                "The OCI runtime command line as runc has it: each container a Husk microVM (docs/oci.md).\n\n"
                "Commands:\n"
                "  create [--bundle DIR] [--pid-file F] [--console-socket S] ID   set the container up (status created)\n"
                "  start ID                 boot it: its process runs\n"
                "  state ID                 its state as the OCI spec's JSON\n"
                "  kill ID [SIGNAL]         signal it (default SIGTERM: a graceful stop; KILL: at once)\n"
                "  delete [--force] ID      remove a stopped (with --force, any) container\n"
                "  list [--format table|json] [-q]   the containers\n"
                "  ps [--format table|json] ID       its host processes\n"
                "  features                 what this runtime supports (JSON)\n\n"
                "Global options:\n"
                "  --root DIR               state directory (default /run/husk-oci)\n"
                "  --log FILE               append errors there (as well as on stderr)\n"
                "  --log-format text|json   --log's format (default text)\n"
                "  --debug                  log debug messages too\n"
                "  --platform qemu|kvm      the microVMs' platform: qemu (TCG, the default) or kvm (/dev/kvm)\n"
                "  --systemd-cgroup         accepted and ignored (no cgroups: the container is a VM)\n"
                "  --version, -v            the version\n";
}

void usage() { std::fputs(usage_text(), stdout); }

} // namespace

int oci_main(const std::vector<std::string>& args)
{
    // Global options, up to the command.
    size_t i = 0;
    for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-'; ++i) {
        std::string name = args[i].substr(args[i][1] == '-' ? 2 : 1);
        std::optional<std::string> value;
        if (size_t eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        bool takes_value = name == "root" || name == "log" || name == "log-format" || name == "criu" || name == "rootless"
                           || name == "platform";
        if (takes_value && !value) {
            if (i + 1 >= args.size())
                return fail("flag needs an argument: -" + name);
            value = args[++i];
        }
        if (name == "root")
            g.root = *value;
        else if (name == "log")
            g.log = *value;
        else if (name == "log-format") {
            if (*value != "text" && *value != "json")
                return fail("invalid log-format: " + *value);
            g.log_format = *value;
        } else if (name == "platform") {
            if (*value != "qemu" && *value != "kvm")
                return fail("invalid platform: " + *value + " (qemu or kvm)");
            g.platform = *value;
        } else if (name == "debug")
            g.debug = value.value_or("true") != "false";
        else if (name == "systemd-cgroup" || name == "criu" || name == "rootless") {
        } else if (name == "version" || name == "v") {
            std::printf("husk-oci version %s\nspec: %s\n", HUSK_VERSION, kSpecVersion);
            return 0;
        } else if (name == "help" || name == "h") {
            usage();
            return 0;
        } else
            return fail("flag provided but not defined: -" + name);
    }
    if (i >= args.size()) {
        usage();
        return 0;
    }
    if (!g.root.empty() && g.root.back() == '/' && g.root.size() > 1)
        g.root.pop_back();
    std::string command = args[i];
    std::vector<std::string> rest(args.begin() + long(i) + 1, args.end());
    for (const auto& a : rest)
        if (a == "--help" || a == "-h") {
            usage();
            return 0;
        }
    if (command == "create")
        return cmd_create(rest);
    if (command == "start")
        return cmd_start(rest);
    if (command == "state")
        return cmd_state(rest);
    if (command == "kill")
        return cmd_kill(rest);
    if (command == "delete")
        return cmd_delete(rest);
    if (command == "list")
        return cmd_list(rest);
    if (command == "ps")
        return cmd_ps(rest);
    if (command == "features")
        return cmd_features();
    if (command == "help") {
        usage();
        return 0;
    }
    return fail("No help topic for '" + command + "'");
}

Runner declare_oci(CLI::App& app)
{
    // husk oci --help and husk help oci: CLI11's help of this text; after
    // the command (husk oci create --help) and as husk-oci: usage().
    std::string text = usage_text();
    describe(app, text.substr(0, text.rfind("\n\n", text.find("Commands:")) ));
    app.footer(text.substr(text.find("Commands:")));
    app.prefix_command();
    app.allow_extras();
    return [&app] { return oci_main(app.remaining()); };
}

} // namespace husk::tools
