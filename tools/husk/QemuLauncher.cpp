#include "QemuLauncher.h"
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>
#include "ForwardBacklog.h"
#include "Ipv6Forward.h"
#include "GuestStdio.h"
#include "RunTimes.h"
#include <sched.h>

namespace husk::tools {

namespace {
constexpr int kStatusTimeout = 124;
constexpr int kStatusNoStatus = 125;
constexpr int kStatusCannotRun = 126;
constexpr int kStatusKilled = 128 + SIGKILL;

uint64_t now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
}

// The guest's halt writes "husk-exit:N" on its second serial port: the
// whole 8-bit status (isa-debug-exit keeps only 7 bits of it). -1 if none.
int parse_status(const std::string& text)
{
    size_t at = text.find("husk-exit:");
    int status = -1;
    if (at != std::string::npos && std::sscanf(text.c_str() + at, "husk-exit:%d", &status) != 1)
        status = -1;
    return status;
}

// The whole status line has arrived: the guest has halted.
bool halted(const std::string& text)
{
    size_t at = text.find("husk-exit:");
    return at != std::string::npos && text.find('\n', at) != std::string::npos;
}

} // namespace

namespace {
// 5 ms against CLOCK_MONOTONIC_RAW: the reads are ~50 ns apart, so the
// error stays under 0.01 %.
unsigned long measure_tsc_khz()
{
    uint64_t t0 = now_ns(), c0 = __rdtsc();
    timespec pause { 0, 5000000 };
    nanosleep(&pause, nullptr);
    uint64_t t1 = now_ns(), c1 = __rdtsc();
    if (t1 <= t0 || c1 <= c0)
        return 0;
    return (unsigned long)((c1 - c0) * 1000000.0 / double(t1 - t0) + 0.5);
}

std::string read_line(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f)
        return "";
    char buf[128] = {};
    if (!std::fgets(buf, sizeof buf, f))
        buf[0] = 0;
    std::fclose(f);
    std::string s = buf;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}
const char* signal_name(int sig)
{
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

void kill_and_wait(pid_t pid, int* wstatus)
{
    kill(pid, SIGKILL);
    waitpid(pid, wstatus, 0);
}
} // namespace

unsigned long host_tsc_khz()
{
    // The rate does not change while the host runs: measured once per host
    // boot and kept in ~/.cache/husk/tsc (keyed by the boot id), so a boot
    // does not wait 5 ms for it.
    std::string boot_id = read_line("/proc/sys/kernel/random/boot_id");
    const char* home = std::getenv("XDG_CACHE_HOME");
    std::string dir = home ? std::string(home) + "/husk" : std::string(std::getenv("HOME") ? std::getenv("HOME") : "/tmp") + "/.cache/husk";
    std::string cache = dir + "/tsc";
    std::string cached = read_line(cache);
    unsigned long khz = 0;
    if (!boot_id.empty() && cached.rfind(boot_id + " ", 0) == 0)
        khz = std::strtoul(cached.c_str() + boot_id.size() + 1, nullptr, 10);
    if (khz)
        return khz;
    khz = measure_tsc_khz();
    if (khz && !boot_id.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (!ec) {
            std::string tmp = cache + "." + std::to_string(getpid());
            if (FILE* f = std::fopen(tmp.c_str(), "w")) {
                std::fprintf(f, "%s %lu\n", boot_id.c_str(), khz);
                if (std::fclose(f) == 0)
                    std::rename(tmp.c_str(), cache.c_str());
                else
                    unlink(tmp.c_str());
            }
        }
    }
    return khz;
}

QemuLauncher::QemuLauncher(RunOptions options) : m_options(std::move(options)) {}

std::vector<std::string> QemuLauncher::arguments(const GuestChardevs& c) const
{
    const RunOptions& o = m_options;
    bool mmio = o.machine == "microvm";
    std::vector<std::string> a = { "qemu-system-x86_64" };
    // microvm without ACPI announces its virtio-mmio devices on the kernel
    // command line (virtio_mmio.device=SIZE@BASE:IRQ), which Husk reads.
    // More than one vCPU: TCG gives each its own host thread (thread=multi).
    std::string accel = o.kvm ? "kvm" : o.cpus > 1 ? "tcg,thread=multi" : "tcg";
    a.insert(a.end(), { "-M", mmio ? "microvm,acpi=off" : o.machine, "-accel", accel, "-cpu", "qemu64" });
    if (o.cpus > 1)
        a.insert(a.end(), { "-smp", std::to_string(o.cpus) });
    a.insert(a.end(), { "-m", std::to_string(o.memory_mib), "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none" });
    // COM1 is the console; COM2 (an explicit device: microvm makes only one
    // serial port itself) carries the exit status. The program's stderr and
    // the kernel's log go out on debug console ports, which read back their
    // number so that the guest knows they are there.
    a.insert(a.end(), { "-chardev", c.console + ",id=husk-console", "-serial", "chardev:husk-console",
                        "-chardev", c.status + ",id=husk-status",
                        "-device", "isa-serial,chardev=husk-status,iobase=0x2f8,irq=3" });
    if (!c.error.empty())
        a.insert(a.end(), { "-chardev", c.error + ",id=husk-stderr", "-device", "isa-debugcon,iobase=0xea,readback=0xea,chardev=husk-stderr" });
    if (!c.log.empty())
        a.insert(a.end(), { "-chardev", c.log + ",id=husk-log", "-device", "isa-debugcon,iobase=0xe9,readback=0xe9,chardev=husk-log" });
    a.insert(a.end(), { "-device", "isa-debug-exit,iobase=0x501,iosize=1" });
    for (size_t i = 0; i <= o.disks.size(); ++i) {
        bool root = i == o.disks.size();
        if (root && o.root_disk.empty())
            break;
        std::string id = "hd" + std::to_string(i);
        a.insert(a.end(), { "-drive", "id=" + id + ",file=" + (root ? o.root_disk : o.disks[i]) + ",format=raw,if=none,cache=writeback"
                                          + (root ? ",readonly=on" : "") });
        a.insert(a.end(), { "-device", std::string(mmio ? "virtio-blk-device" : "virtio-blk-pci") + ",drive=" + id });
    }
    // --volume: QEMU's 9P server acts on the directory as QEMU's own user
    // (security_model=none); the guest finds it by its mount tag.
    for (size_t i = 0; i < o.volumes.size(); ++i) {
        std::string id = "fs" + std::to_string(i), path;
        for (char ch : o.volumes[i].host_dir)
            path += ch == ',' ? std::string(",,") : std::string(1, ch); // QEMU's option syntax escapes commas
        a.insert(a.end(), { "-fsdev", "local,id=" + id + ",path=" + path + ",security_model=none,multidevs=remap"
                                          + (o.volumes[i].read_only ? ",readonly=on" : "") });
        a.insert(a.end(), { "-device", std::string(mmio ? "virtio-9p-device" : "virtio-9p-pci") + ",fsdev=" + id
                                           + ",mount_tag=husk" + std::to_string(i) });
    }
    for (size_t i = 0; i < o.netdevs.size(); ++i) {
        std::string id = "net" + std::to_string(i);
        a.insert(a.end(), { "-netdev", o.netdevs[i] + ",id=" + id });
        a.insert(a.end(), { "-device", std::string(mmio ? "virtio-net-device" : "virtio-net-pci") + ",netdev=" + id });
    }
    std::string cmdline;
    if (unsigned long khz = host_tsc_khz())
        cmdline = "tsc_khz=" + std::to_string(khz);
    // The memory -M gave, for the kernel's out-of-memory report.
    cmdline += (cmdline.empty() ? "mem=" : " mem=") + std::to_string(o.memory_mib);
    if (!o.console_input.empty())
        cmdline += " " + o.console_input;
    // How long a stop may take: the guest gives its program most of it.
    char stop[32];
    std::snprintf(stop, sizeof stop, " stop_timeout_ms=%llu", (unsigned long long)(o.stop_timeout_s * 1000));
    cmdline += stop;
    for (const auto& w : o.cmdline)
        cmdline += " " + w;
    a.insert(a.end(), { "-kernel", o.image, "-append", cmdline });
    // The configuration beside the command line (which Linux's boot
    // protocol caps at a few KiB), as a file: QEMU's own arguments are
    // capped too (128 KiB each). QEMU's option syntax doubles commas.
    if (!o.config_file.empty() || !o.config_text.empty()) {
        std::string item = o.config_file.empty() ? "string=" + o.config_text : "file=" + o.config_file;
        std::string escaped;
        for (char c : item)
            escaped += c == ',' ? std::string(",,") : std::string(1, c);
        a.insert(a.end(), { "-fw_cfg", "name=opt/husk/config," + escaped });
    }
    if (!o.program.empty())
        a.insert(a.end(), { "-initrd", o.program });
    a.insert(a.end(), o.qemu_args.begin(), o.qemu_args.end());
    return a;
}

namespace {
// What QEMU's process does before it execs (start_child).
struct Child {
    const GuestStdio* stdio;
    int channel; // COM2's end, QEMU's
    sigset_t mask;
    pid_t parent;
    char* const* argv;
};

// Runs in the child while husk run waits (CLONE_VFORK): system calls only.
int start_child(void* arg)
{
    auto* c = static_cast<Child*>(arg);
    // QEMU dies with husk run even when nothing of husk run can run
    // any more (SIGKILL); the check covers a parent gone before prctl.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != c->parent)
        _exit(kStatusNoStatus);
    fcntl(c->channel, F_SETFD, 0); // QEMU's end crosses exec
    c->stdio->prepare_child();
    // Ctrl-C and a closed terminal signal the whole foreground process
    // group: QEMU would quit at once, before the guest could sync.
    // Blocked, they stay pending in QEMU; husk run turns them into a stop.
    sigset_t qemu_mask = c->mask;
    sigaddset(&qemu_mask, SIGINT);
    sigaddset(&qemu_mask, SIGHUP);
    sigprocmask(SIG_SETMASK, &qemu_mask, nullptr);
    execvp(c->argv[0], c->argv);
    const char* why = std::strerror(errno);
    for (const char* part : std::initializer_list<const char*> { "husk run: cannot start ", c->argv[0], ": ", why, " (install qemu-system-x86)\n" })
        (void)!write(STDERR_FILENO, part, std::strlen(part));
    _exit(127);
}
} // namespace

int QemuLauncher::run()
{
    GuestStdio stdio(m_options.verbose);
    if (std::string why = stdio.open(); !why.empty()) {
        std::fprintf(stderr, "husk run: %s\n", why.c_str());
        return kStatusNoStatus;
    }
    m_options.console_input = stdio.console_input_word();
    // COM2 is one end of a socket pair whose other end husk run keeps: the
    // status comes back on it, and nothing is left in the file system,
    // whatever ends husk run (even SIGKILL).
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        std::fprintf(stderr, "husk run: cannot create a socket pair: %s\n", std::strerror(errno));
        return kStatusNoStatus;
    }
    GuestChardevs chardevs { "stdio", stdio.error_chardev(), stdio.log_chardev(), "socket,fd=" + std::to_string(channel[1]) };
    std::vector<std::string> args = arguments(chardevs);
    std::vector<char*> argv;
    for (auto& s : args)
        argv.push_back(s.data());
    argv.push_back(nullptr);

    // Signals arrive on a descriptor: SIGCHLD (QEMU ended) and the signals
    // that stop husk run (below).
    sigset_t waited, old;
    sigemptyset(&waited);
    for (int s : { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 })
        sigaddset(&waited, s);
    sigprocmask(SIG_BLOCK, &waited, &old);
    int signals = signalfd(-1, &waited, SFD_CLOEXEC | SFD_NONBLOCK);
    // QEMU's start is on the critical path of every run: the child shares
    // husk run's memory until it execs (as posix_spawn does), so no page
    // table of husk run's is copied.
    run_time("spawn");
    Child child { &stdio, channel[1], old, getpid(), argv.data() };
    static char stack[64 * 1024];
    pid_t pid = clone(start_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
    run_time("spawned");
    if (pid < 0) {
        std::fprintf(stderr, "husk run: cannot start %s: %s\n", args[0].c_str(), std::strerror(errno));
        close(channel[0]);
        close(channel[1]);
        close(signals);
        sigprocmask(SIG_SETMASK, &old, nullptr);
        return kStatusNoStatus;
    }
    close(channel[1]);
    stdio.after_fork();
    // A signal meant to stop husk run (kill, Ctrl-C, a closed terminal)
    // asks the guest to stop on COM2: it syncs, unmounts and halts with
    // 128 + signal. Past the stop timeout, or at a second signal, QEMU is
    // killed (137: unsynced writes may be lost).
    int wstatus = 0;
    bool timed_out = false, killed = false, second_signal = false;
    int stop_signal = 0;
    std::string status_text;
    auto read_status = [&] {
        char buf[256];
        bool had_status = status_text.find("husk-exit:") != std::string::npos;
        for (ssize_t n; (n = recv(channel[0], buf, sizeof buf, MSG_DONTWAIT)) > 0;)
            status_text.append(buf, size_t(n));
        if (!had_status && status_text.find("husk-exit:") != std::string::npos)
            run_time("status");
        stdio.status_text(status_text);
    };
    uint64_t deadline = m_options.timeout_s > 0 ? now_ns() + uint64_t(m_options.timeout_s * 1e9) : 0;
    std::vector<pollfd> fds;
    ForwardBacklog forwards(m_options.netdevs);
    Ipv6Forward forwards6(m_options.netdevs); // the same ports on [::1]
    for (;;) {
        if (waitpid(pid, &wstatus, WNOHANG) == pid) {
            run_time("exited");
            break;
        }
        forwards.widen(pid);
        uint64_t now = now_ns();
        if (deadline && now >= deadline) {
            kill_and_wait(pid, &wstatus);
            timed_out = !stop_signal;
            killed = stop_signal != 0;
            break;
        }
        fds.assign({ { signals, POLLIN, 0 }, { channel[0], POLLIN, 0 } });
        stdio.add_poll_fds(fds);
        int wait_ms = deadline ? int((deadline - now) / 1000000) + 1 : 3600 * 1000;
        if (poll(fds.data(), fds.size(), forwards.poll_ms(wait_ms)) <= 0)
            continue;
        if (fds[1].revents)
            read_status();
        stdio.handle(fds);
        if (halted(status_text)) {
            // The guest halted and said its status, its last words (its
            // output went out before, in order). What QEMU does next is
            // its own teardown: killed, not waited for (~10 ms of a run).
            kill_and_wait(pid, &wstatus);
            run_time("exited");
            break;
        }
        if (!fds[0].revents)
            continue;
        signalfd_siginfo info;
        int sig = read(signals, &info, sizeof info) == sizeof info ? int(info.ssi_signo) : 0;
        if (sig <= 0 || sig == SIGCHLD)
            continue;
        if (sig == SIGUSR1 || sig == SIGUSR2) { // the guest's pid 1 gets them (husk oci kill ID USR1)
            std::string request = "husk-signal:" + std::to_string(sig) + "\n";
            (void)!send(channel[0], request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            continue;
        }
        if (stop_signal) {
            kill_and_wait(pid, &wstatus);
            killed = second_signal = true;
            break;
        }
        stop_signal = sig;
        std::string request = "husk-stop:" + std::to_string(sig) + "\n";
        (void)!send(channel[0], request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        deadline = now_ns() + uint64_t(m_options.stop_timeout_s * 1e9);
    }
    close(signals);
    if (!stop_signal) // else a second signal stays blocked: it must not cut husk run's end short
        sigprocmask(SIG_SETMASK, &old, nullptr);
    read_status();
    stdio.drain();
    int reported = parse_status(status_text);
    close(channel[0]);
    if (stop_signal) {
        if (killed || reported < 0) {
            if (second_signal)
                std::fprintf(stderr, "husk run: %s, then a second signal: killed the guest", signal_name(stop_signal));
            else if (killed)
                std::fprintf(stderr, "husk run: %s: the guest did not stop within %g s; killed it", signal_name(stop_signal),
                             m_options.stop_timeout_s);
            else
                std::fprintf(stderr, "husk run: %s: QEMU ended without a status from the guest", signal_name(stop_signal));
            std::fprintf(stderr, " (writes it had not synced may be lost)\n");
            return kStatusKilled;
        }
        std::fprintf(stderr, "husk run: %s: the guest synced its disks and stopped (status %d)\n",
                     signal_name(stop_signal), reported & 0xff);
        return reported & 0xff;
    }
    // The kernel's messages matter when the guest failed: a crash (the
    // kernel's, or the program killed by a signal that dumps core on
    // Linux, when the kernel reports the fault; or the out-of-memory
    // kill), a program that could not run, a boot that never ended. A
    // program ended by SIGTERM or SIGINT is no failure to explain.
    int signal = reported > 128 && reported < 128 + 65 ? reported - 128 : 0;
    bool crashed = signal == SIGQUIT || signal == SIGILL || signal == SIGTRAP || signal == SIGABRT || signal == SIGBUS
                   || signal == SIGFPE || signal == SIGSEGV || signal == SIGXCPU || signal == SIGXFSZ || signal == SIGSYS
                   || (signal == SIGKILL && stdio.log_mentions("Out of memory"));
    bool failed = timed_out || reported < 0 || reported == kStatusNoStatus || reported == kStatusCannotRun || crashed;
    if (failed)
        stdio.show_log();
    if (timed_out) {
        std::fprintf(stderr, "husk run: the guest did not stop within %g s; killed it\n", m_options.timeout_s);
        return kStatusTimeout;
    }
    if (reported >= 0)
        return reported & 0xff;
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127)
        return kStatusNoStatus;
    std::fprintf(stderr, "husk run: QEMU %s without a status from the guest\n",
                 WIFSIGNALED(wstatus) ? "was killed" : "exited");
    return kStatusNoStatus;
}

} // namespace husk::tools
