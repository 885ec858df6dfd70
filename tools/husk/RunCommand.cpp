#include "RunCommand.h"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <iterator>
#include <sstream>
#include <string>
#include <unistd.h>
#include "../../platform/hosted/ImageLock.h"
#include "ImageFiles.h"
#include "JsonText.h"
#include "NetworkOptions.h"
#include "OptionFile.h"
#include "ProgramLibraries.h"
#include "QemuLauncher.h"
#include "RootFs.h"
#include "Supervisor.h"
#include <algorithm>
#include <map>
#include <memory>

namespace husk::tools {

namespace {
constexpr int kUsageError = 2;
constexpr int kBusyImage = 125; // as when QEMU cannot start
constexpr int kCannotRun = 126; // as a shell's status for a file it cannot execute

int usage_error(const char* fmt, const char* arg)
{
    std::fprintf(stderr, "husk run: ");
    std::fprintf(stderr, fmt, arg);
    std::fprintf(stderr, "\nTry 'husk run --help'.\n");
    return kUsageError;
}

// ext2 images made from directories given to -b. They never have a name:
// each is an unnamed file (O_TMPFILE) in $TMPDIR or /tmp that mke2fs and
// QEMU reach as /proc/self/fd/N through the inherited descriptor, so
// nothing is left behind however husk run ends (even by SIGKILL).
class TemporaryImages {
public:
    TemporaryImages() = default;
    TemporaryImages(const TemporaryImages&) = delete;
    TemporaryImages& operator=(const TemporaryImages&) = delete;
    ~TemporaryImages()
    {
        for (int fd : m_fds)
            close(fd);
    }
    // An ext2 image holding dir's tree with room to spare, or "".
    std::string from_directory(const std::string& dir)
    {
        int fd = unnamed_file();
        if (fd < 0)
            return "";
        m_fds.push_back(fd);
        std::string path = "/proc/self/fd/" + std::to_string(fd);
        uintmax_t bytes = 0;
        std::error_code ec;
        for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file(ec))
                bytes += it->file_size(ec) + 4096;
        uintmax_t kib = (bytes * 2 + (32u << 20)) / 1024;
        if (progress) // mke2fs copies the whole tree: seconds for a large one
            std::fprintf(stderr, "husk run: making an ext2 image of %s (%ju MiB)\n", dir.c_str(), kib / 1024);
        // 4 KiB blocks, as mke2fs gives file systems over 512 MiB (smaller
        // ones get 1 KiB): a quarter of the cache lookups and block maps
        // per byte read (a 100 MiB download over a TAP: 110 -> 150+ MB/s).
        std::string cmd = "mke2fs -q -F -t ext2 -b 4096 -d " + shell_word(dir) + " " + path + " " + std::to_string(kib) + "k >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            return "";
        return path;
    }

    // A read-only ISO 9660 image of dir's tree (Rock Ridge and Joliet), or "".
    std::string iso_from_directory(const std::string& dir)
    {
        int fd = unnamed_file();
        if (fd < 0)
            return "";
        m_fds.push_back(fd);
        std::string path = "/proc/self/fd/" + std::to_string(fd);
        if (progress)
            std::fprintf(stderr, "husk run: making an ISO 9660 image of %s\n", dir.c_str());
        std::string cmd = "genisoimage -quiet -R -J -joliet-long -o " + path + " " + shell_word(dir) + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            return "";
        return path;
    }

    // A file holding text (the configuration QEMU hands the guest), or "":
    // in memory (memfd), nothing to create in a file system before QEMU starts.
    std::string from_text(const std::string& text)
    {
        int fd = memfd_create("husk-config", 0);
        if (fd < 0)
            fd = unnamed_file();
        if (fd < 0)
            return "";
        m_fds.push_back(fd);
        for (size_t done = 0; done < text.size();) {
            ssize_t n = write(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return "";
            done += size_t(n);
        }
        return "/proc/self/fd/" + std::to_string(fd);
    }

private:
    // Inherited by the children (no O_CLOEXEC): they open it by its /proc path.
    static int unnamed_file()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string dir = tmp && *tmp ? tmp : "/tmp";
        int fd = open(dir.c_str(), O_TMPFILE | O_RDWR, 0600);
        if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
            return fd;
        // A file system without O_TMPFILE: named only for an instant.
        std::string name = dir + "/husk-disk-XXXXXX";
        fd = mkstemp(name.data());
        if (fd >= 0) {
            unlink(name.c_str());
            fcntl(fd, F_SETFD, 0);
        }
        return fd;
    }

    std::vector<int> m_fds;

public:
    // Say what is being made (on a terminal, or with -v): stderr is the program's otherwise.
    bool progress = false;
};

// A finite number >= 0 (seconds, MiB, a port): "inf" and "nan" are not.
bool parse_number(const char* s, double* out)
{
    char* end = nullptr;
    *out = std::strtod(s, &end);
    return end && end != s && *end == 0 && std::isfinite(*out) && *out >= 0 && *out < 1e9;
}
// What the command line gave, as CLI11 parsed it (values checked).
struct RunArgs {
    bool kvm = false, interactive = false, verbose = false, dry_run = false;
    bool iso = false; // -b DIR becomes an ISO 9660 image (read-only), not ext2
    bool detach = false, remove = false; // -d, --rm (docker's spellings)
    std::string name;                    // --name: the background instance's
    std::string memory, machine;
    std::vector<std::string> env, disks, appends, qemu_words, program_args;
    std::vector<std::string> volumes; // HOSTDIR:GUESTDIR[:ro|:rw]
    double timeout_s = 0, stop_timeout_s = 10;
    unsigned gdb_port = 0;
    unsigned cpus = 0; // -c: virtual CPUs (0: not given, 1 or the baked image's)
    std::string image, rootfs;
    std::string kernel; // --kernel: the kernel a PROGRAM boots with ("": full)
    std::string syslog; // udp:ADDRESS:PORT
    // -n, -I, -W, -P/-p in command-line order (interface numbers follow it).
    std::vector<std::pair<char, std::string>> network;
    // -f FILE's platform, program and arguments (used without qemu|kvm PROGRAM).
    std::string file_platform, file_image;
    std::vector<std::string> file_args;
};

// Linux's execve limits (fs/exec.c), which the guest's kernel applies to
// the program as Linux would: one string at most MAX_ARG_STRLEN bytes with
// its NUL; the strings (the program's name, once more, as AT_EXECFN)
// with a pointer each at most a quarter of the 8 MiB stack. A message
// saying which was exceeded, or "".
std::string argument_problem(const std::vector<std::string>& argv, const std::vector<std::string>& env)
{
    constexpr size_t kMaxString = 32 * 4096, kMaxTotal = (8u << 20) / 4;
    size_t total = argv.empty() ? 1 : argv[0].size() + 1;
    for (const auto* list : { &argv, &env }) {
        for (size_t i = 0; i < list->size(); ++i) {
            const std::string& s = (*list)[i];
            if (s.size() + 1 > kMaxString) {
                std::string what = list == &argv ? "argument " + std::to_string(i)
                                                 : "environment variable " + s.substr(0, std::min<size_t>(s.find('='), 40));
                return what + " is " + std::to_string(s.size()) + " bytes long; Linux takes at most "
                       + std::to_string(kMaxString - 1) + " (MAX_ARG_STRLEN)";
            }
            total += s.size() + 1;
        }
    }
    total += (std::max<size_t>(argv.size(), 1) + env.size()) * sizeof(void*);
    if (total > kMaxTotal)
        return "the arguments and environment take " + std::to_string(total)
               + " bytes with their pointers; Linux takes at most " + std::to_string(kMaxTotal)
               + " (a quarter of the guest's 8 MiB stack limit)";
    return "";
}

// "128", "128M", "128MiB", "1G": MiB.
std::string memory_problem(const std::string& text, unsigned* mib)
{
    size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
    std::string unit = text.substr(digits);
    unsigned long long n = digits == 0 || digits > 9 ? 0 : std::stoull(text.substr(0, digits));
    if (unit == "G" || unit == "GiB" || unit == "g")
        n *= 1024;
    else if (!unit.empty() && unit != "M" && unit != "MiB" && unit != "m")
        n = 0;
    if (n < 4 || n > 65536)
        return "wants a memory size from 4M to 64G (MiB, or with M or G), not '" + text + "'";
    if (mib)
        *mib = unsigned(n);
    return "";
}

// A positive number of seconds ("inf" and "nan" are not).
CLI::Validator seconds()
{
    return CLI::Validator(
        [](std::string& v) -> std::string {
            double s;
            return parse_number(v.c_str(), &s) && s > 0 ? "" : "wants a positive number of seconds, not '" + v + "'";
        },
        "", "");
}

// What husk ps and husk inspect show of a background guest: the line as given.
InstanceRecord instance_record(const RunArgs& a)
{
    InstanceRecord r;
    r.name = a.name;
    r.auto_remove = a.remove;
    r.stop_timeout_s = a.stop_timeout_s;
    std::error_code ec;
    r.image = access(a.image.c_str(), F_OK) == 0 ? std::filesystem::absolute(a.image, ec).string() : a.image;
    r.command = a.program_args;
    if (!r.command.empty() && r.command[0] == "--")
        r.command.erase(r.command.begin());
    for (const auto& [flag, spec] : a.network)
        if (flag == 'P')
            r.ports.push_back(spec);
    r.disks = a.disks;
    return r;
}

// --volume HOSTDIR:GUESTDIR[:ro|:rw], docker's -v: "" or what is wrong.
// HOSTDIR must be a directory (made absolute here); a relative GUESTDIR
// is under /, as -b's mount points.
std::string volume_problem(const std::string& spec, std::string& host, std::string& guest, std::string& mode)
{
    size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0)
        return "--volume '" + spec + "': wants HOSTDIR:GUESTDIR[:ro]";
    host = spec.substr(0, colon);
    guest = spec.substr(colon + 1);
    if (size_t second = guest.find(':'); second != std::string::npos) {
        mode = guest.substr(second + 1);
        guest = guest.substr(0, second);
        if (mode != "ro" && mode != "rw")
            return "--volume '" + spec + "': the mode is ro or rw, not '" + mode + "'";
    }
    if (guest.empty() || guest.find_first_of(" \t") != std::string::npos)
        return "--volume '" + spec + "': GUESTDIR must be a path without spaces";
    if (guest[0] != '/')
        guest = "/" + guest;
    if (guest.find_first_not_of('/') == std::string::npos)
        return "--volume '" + spec + "': GUESTDIR cannot be / (the program and its libraries are there; --rootfs gives a root)";
    struct stat st;
    if (stat(host.c_str(), &st) != 0)
        return "--volume '" + spec + "': " + host + ": " + std::strerror(errno);
    if (!S_ISDIR(st.st_mode))
        return "--volume '" + spec + "': " + host + " is not a directory (a disk image goes to -b)";
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::canonical(host, ec);
    if (ec)
        return "--volume '" + spec + "': " + host + ": " + ec.message();
    host = absolute.string();
    return "";
}

// What the minimal kernel (kernel/init/Components.h) was linked without that
// the command line asks for: "" or a message naming the option.
std::string minimal_kernel_problem(const RunArgs& a, bool network)
{
    std::string option;
    if (network || !a.syslog.empty()) {
        char flag = a.network.empty() ? 0 : a.network[0].first;
        option = !a.syslog.empty() && a.network.empty() ? "--syslog" : flag == 'P' ? "-p" : std::string("-") + flag;
        return option + ": the minimal kernel has no TCP/IP networking";
    }
    if (!a.volumes.empty())
        return "--volume: the minimal kernel has no 9P file system";
    if (a.iso)
        return "--iso: the minimal kernel has no ISO 9660 file system";
    if (!a.rootfs.empty())
        return "--rootfs: the minimal kernel has no overlay file system for the root";
    return "";
}

int run_guest(RunArgs& a)
{
    RunOptions o;
    bool dry_run = a.dry_run;
    std::vector<std::string> program_args = a.program_args;
    std::vector<std::string> environment;  // NAME=VALUE
    std::vector<std::string> mountpoints; // per -b: where the program sees it ("" = the default)
    TemporaryImages temporary;
    temporary.progress = a.verbose || isatty(STDERR_FILENO);
    NetworkOptions network;
    RootFs rootfs;
    rootfs.source = a.rootfs;
    bool baked = false, machine_given = !a.machine.empty();
    unsigned gdb_port = a.gdb_port;
    o.kvm = a.kvm;
    o.interactive = a.interactive;
    o.verbose = a.verbose;
    o.image = a.image;
    o.timeout_s = a.timeout_s;
    o.stop_timeout_s = a.stop_timeout_s;
    o.cmdline = a.appends;
    if (machine_given)
        o.machine = a.machine;
    if (!a.memory.empty())
        memory_problem(a.memory, &o.memory_mib);
    o.cpus = a.cpus ? a.cpus : 1;
    // "--" between PROGRAM and its arguments is husk's, as in "PROGRAM [--] ARGS".
    if (!program_args.empty() && program_args[0] == "--")
        program_args.erase(program_args.begin());
    for (const auto& e : a.env) {
        if (e.find('=') != std::string::npos) {
            environment.push_back(e);
        } else if (const char* host = std::getenv(e.c_str())) { // -e NAME: the host's value, as docker run
            environment.push_back(e + "=" + host);
        }
    }
    for (const auto& v : a.disks) {
        std::string disk = v, mountpoint;
        if (size_t comma = disk.find(','); comma != std::string::npos) {
            mountpoint = disk.substr(comma + 1);
            disk = disk.substr(0, comma);
            if (mountpoint[0] != '/')
                mountpoint = "/" + mountpoint; // rumprun's -b IMAGE,data: /data
        }
        o.disks.push_back(disk);
        mountpoints.push_back(mountpoint);
    }
    std::vector<std::string> volume_json; // JSON objects for the program's volumes
    for (const auto& v : a.volumes) {
        std::string host, guest, mode;
        if (std::string e = volume_problem(v, host, guest, mode); !e.empty())
            return usage_error("%s", e.c_str());
        o.volumes.push_back({ host, mode == "ro" });
        volume_json.push_back("{\"tag\":\"husk" + std::to_string(o.volumes.size() - 1) + "\",\"mountpoint\":"
                              + json_string(guest) + (mode == "ro" ? ",\"readonly\":true}" : "}"));
    }
    for (const auto& [flag, spec] : a.network) {
        std::string e = flag == 'n' ? network.add_n(spec) : flag == 'I' ? network.add_interface(spec)
                      : flag == 'W' ? network.add_config(spec) : network.add_forward(spec);
        if (!e.empty())
            return usage_error("%s", e.c_str());
    }
    if (gdb_port)
        o.qemu_args.insert(o.qemu_args.end(), { "-gdb", "tcp:127.0.0.1:" + std::to_string(gdb_port), "-S" });
    for (const auto& g : a.qemu_words) {
        std::istringstream words(g);
        for (std::string word; words >> word;)
            o.qemu_args.push_back(word);
    }
    if (o.image.empty())
        return usage_error("%s", "missing IMAGE");
    if (std::string e = network.finish(); !e.empty())
        return usage_error("%s", e.c_str());
    o.netdevs = network.netdevs();
    if (!a.syslog.empty() && network.empty())
        return usage_error("%s", "--syslog sends from the guest's network: it needs an interface (-n or -I)");
    // --rootfs IMAGE /usr/bin/PROGRAM (or IMAGE /usr/bin/PROGRAM): the
    // program image runs a file of the root.
    rootfs.take_image_argument(o.image, program_args);
    std::string guest_program = rootfs.guest_program(o.image);
    if (!guest_program.empty())
        o.image = program_image(a.kernel);
    if (access(o.image.c_str(), R_OK) != 0)
        return usage_error("cannot read image '%s'", o.image.c_str());
    FileKind kind = inspect(o.image);
    // The minimal kernel, chosen here or baked into the image, is refused
    // what it was linked without, before QEMU starts.
    if (!a.kernel.empty() && kind.husk_image && guest_program.empty())
        return usage_error("--kernel %s: chooses the kernel a PROGRAM boots with; a Husk image has its own "
                           "(husk bake --kernel)", a.kernel.c_str());
    if (kind.baked_kernel == "minimal" || a.kernel == "minimal") {
        if (std::string e = minimal_kernel_problem(a, !network.empty()); !e.empty())
            return usage_error("%s", (e + (a.kernel.empty() ? " (" + o.image + " was baked with --kernel minimal)"
                                                            : " (leave out --kernel minimal for the full kernel)")).c_str());
    }
    if (!kind.husk_image) {
        // A plain program: Husk's program image boots it, passed beside.
        // As a shell does with a file it cannot execute: 126.
        if (!kind.elf) {
            std::fprintf(stderr, "husk run: %s: %s (neither a Husk image nor a program)\n", o.image.c_str(),
                         kind.program_problem.c_str());
            return kCannotRun;
        }
        std::string kernel = program_image(a.kernel);
        if (access(kernel.c_str(), R_OK) != 0)
            return usage_error(a.kernel == "minimal" ? "cannot find Husk's minimal program image '%s'"
                                                     : "cannot find Husk's program image '%s' (set HUSK_PROGRAM_IMAGE)",
                               kernel.c_str());
        o.program = o.image;
        o.image = kernel;
        std::string name = o.program.substr(o.program.rfind('/') + 1);
        // A dynamically linked program boots as an archive with its
        // interpreter and libraries (ProgramLibraries.h), unless a root
        // file system (--rootfs) is given: that root provides them.
        if (rootfs.source.empty()) {
            std::string why;
            std::string archive = dynamic_program_archive(o.program, name, why);
            if (!archive.empty())
                o.program = archive;
            else if (!why.empty())
                return usage_error("%s", why.c_str());
        }
        program_args.insert(program_args.begin(), name);
    } else if (const std::string& config = kind.baked_config; !config.empty()) {
        // A baked image: its program takes the arguments; hw_generic boots
        // on a PC machine unless --machine says otherwise.
        baked = true;
        if (config == "hw_generic" && !machine_given)
            o.machine = "q35";
        if (!a.cpus && !kind.baked_cpus.empty())
            o.cpus = unsigned(std::atoi(kind.baked_cpus.c_str())); // husk bake -c
        program_args.insert(program_args.begin(), kind.baked_name);
    } else if (!guest_program.empty()) {
        program_args.insert(program_args.begin(), guest_program);
    } else if (!program_args.empty()) {
        return usage_error("'%s' is a Husk image: arguments go to programs, not to images", o.image.c_str());
    }
    if (std::string e = argument_problem(program_args, environment); !e.empty()) {
        std::fprintf(stderr, "husk run: %s: Argument list too long\n", e.c_str());
        return kCannotRun; // as a shell's when execve says E2BIG
    }
    std::vector<std::string> blk; // JSON objects for the program's disks
    bool told_copy = false;
    for (size_t i = 0; i < o.disks.size(); ++i) {
        struct stat st;
        if (stat(o.disks[i].c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            // A hint for a person (on a terminal), once: scripts that
            // compare husk run's stderr with a host run's are left alone.
            if (!told_copy && isatty(STDERR_FILENO))
                std::fprintf(stderr, "husk run: -b DIR copies DIR into an image; --volume shares it\n");
            told_copy = true;
            std::string image = a.iso ? temporary.iso_from_directory(o.disks[i]) : temporary.from_directory(o.disks[i]);
            if (image.empty())
                return usage_error(a.iso ? "-b %s: cannot make an ISO 9660 image of this directory (is genisoimage installed?)"
                                         : "-b %s: cannot make an ext2 image of this directory (is mke2fs installed?)",
                                   o.disks[i].c_str());
            o.disks[i] = image;
        }
        // QEMU locks the image itself (a second writer makes it fail with a
        // terse message); asking first names the holder.
        if (int fd = open(o.disks[i].c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
            std::string busy = hosted::image_conflict(fd, o.disks[i], false);
            close(fd);
            if (!busy.empty() && !dry_run) {
                std::fprintf(stderr, "husk run: -b: %s\n", busy.c_str());
                return kBusyImage;
            }
        }
        if (o.program.empty() && !baked && guest_program.empty()) {
            if (!mountpoints[i].empty())
                return usage_error("-b ...,%s: mount points are for programs; a Husk image mounts its disks itself", mountpoints[i].c_str());
            continue;
        }
        // rumprun's defaults: /data, /data1, /data2, ...
        std::string where = !mountpoints[i].empty() ? mountpoints[i] : i == 0 ? "/data" : "/data" + std::to_string(i);
        blk.push_back("{\"source\":\"vd" + std::string(1, char('a' + i)) + "\",\"mountpoint\":" + json_string(where) + "}");
    }
    if (!o.volumes.empty() && o.program.empty() && !baked && guest_program.empty())
        return usage_error("%s", "--volume is for programs; a Husk image mounts what it needs itself");
    if (!rootfs.source.empty()) {
        if (int status = rootfs.attach(o, dry_run, [&](const std::string& dir) { return temporary.from_directory(dir); }))
            return status;
    }
    // The program's configuration as JSON (docs/configuration.md): exact
    // arguments and environment, whatever characters they hold.
    if (!program_args.empty() || !environment.empty() || !blk.empty() || !network.empty() || !volume_json.empty()) {
        std::string json = "{\"argv\":" + json_strings(program_args) + ",\"env\":" + json_strings(environment);
        if (!blk.empty()) {
            json += ",\"blk\":[";
            for (size_t i = 0; i < blk.size(); ++i)
                json += (i ? "," : "") + blk[i];
            json += "]";
        }
        if (!volume_json.empty()) {
            json += ",\"volumes\":[";
            for (size_t i = 0; i < volume_json.size(); ++i)
                json += (i ? "," : "") + volume_json[i];
            json += "]";
        }
        if (!network.empty())
            json += ",\"net\":" + network.json();
        if (!a.syslog.empty())
            json += ",\"syslog\":" + json_string(a.syslog);
        json += "}";
        // Beside the command line, whose length is limited: a file QEMU
        // hands the guest (fw_cfg); --dry-run shows it inline. Not in
        // QEMU's arguments, which anyone may read (ps): -e's values.
        if (dry_run)
            o.config_text = json;
        else if ((o.config_file = temporary.from_text(json)).empty())
            return usage_error("%s", "cannot write the guest's configuration to a temporary file");
    }
    if (o.kvm && access("/dev/kvm", R_OK | W_OK) != 0)
        return usage_error("%s", "kvm: /dev/kvm is missing or not accessible (use 'husk run qemu')");
    if (gdb_port && !dry_run) {
        std::fprintf(stderr,
                     "husk run: waiting for gdb: gdb %s -ex 'target remote 127.0.0.1:%u'%s\n", o.image.c_str(), gdb_port,
                     o.program.empty() ? "" : (" -ex 'add-symbol-file " + o.program + "'").c_str());
    }
    if (o.timeout_s > 0 && !o.interactive && !dry_run)
        return usage_error("%s", "--timeout needs -i (a background guest runs until it stops)");
    if (o.interactive && (a.detach || !a.name.empty()))
        return usage_error("%s", a.detach ? "-d runs the guest in the background, -i in the foreground: not both"
                                          : "--name names a background instance (without -i)");
    if (o.interactive && dry_run)
        o.console_input = isatty(STDIN_FILENO) ? "console_input=1" : "console_input=stream";
    QemuLauncher launcher(o);
    if (dry_run) {
        GuestChardevs shown { "stdio", "socket,fd=STDERR", "socket,fd=LOG", "socket,fd=STATUS" };
        if (!o.interactive)
            shown = { "file,path=LOG,append=on", "file,path=LOG,append=on", "file,path=LOG,append=on", "file,path=LOG.status" };
        // Words with characters a shell would take are quoted: the line runs as it is.
        for (const auto& arg : launcher.arguments(shown))
            std::printf("%s ", arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+:@%/=-")
                                       == std::string::npos ? arg.c_str() : shell_word(arg).c_str());
        std::printf("\n");
        return 0;
    }
    if (o.interactive)
        return launcher.run();
    return start_instance(launcher, o.stop_timeout_s, instance_record(a));
}

CLI::Validator disk_spec()
{
    return CLI::Validator(
        [](std::string& v) -> std::string {
            std::string disk = v.substr(0, v.find(','));
            if (size_t comma = v.find(','); comma != std::string::npos) {
                std::string mountpoint = v.substr(comma + 1);
                if (mountpoint.empty() || mountpoint.find_first_of(" ,:\t") != std::string::npos)
                    return "'" + v + "': the mount point must be a path without spaces, commas or colons";
            }
            if (access(disk.c_str(), R_OK) != 0)
                return "cannot read disk image or directory '" + disk + "'";
            return "";
        },
        "", "");
}
} // namespace

Runner declare_run(CLI::App& app)
{
    auto a = std::make_shared<RunArgs>();
    describe(app, 
        "usage: husk run [OPTIONS] qemu|kvm [OPTIONS] IMAGE|PROGRAM [--] [ARGS...]\n\n"
        "Boots a Husk image (an ELF with a PVH note) in a QEMU microVM, or a static Linux x86-64\n"
        "executable PROGRAM as a unikernel, with ARGS as its arguments: everything after PROGRAM\n"
        "is the program's. With -i, husk run behaves as the program would on the host: its\n"
        "stdin, stdout and stderr are husk run's, its exit status husk run's. Without -i (or with -d)\n"
        "the guest runs in the background as a named instance (husk run prints its name): husk ps,\n"
        "husk logs, husk stop, husk kill, husk rm and husk inspect act on it (docs/instances.md).");
    app.require_subcommand(1, 1); // qemu|kvm (or -f FILE's platform: below)
    app.add_option("-c,--cpus", a->cpus, "virtual CPUs (1 to 16); default 1")->type_name("N")->check(CLI::Range(1, 16));
    app.add_option("-M,--memory", a->memory, "guest memory: MiB, or with a unit (128M, 1G); default 64M")
        ->type_name("SIZE")
        ->check(CLI::Validator([](std::string& v) { return memory_problem(v, nullptr); }, "", ""));
    repeatable(app.add_option("-e,--env", a->env, "NAME=VALUE into the program's environment; NAME alone: the host's value")
        ->type_name("NAME[=VALUE]")
        ->check(CLI::Validator([](std::string& v) -> std::string { return v.empty() || v[0] == '=' ? "wants NAME=VALUE or NAME, not '" + v + "'" : ""; }, "", "")));
    repeatable(app.add_option("-b,--disk", a->disks,
                   "attach the raw image DISK as the next virtio block device; a program sees it (ext2/3/4, or ISO 9660 "
                   "read-only, by its contents) at MOUNTPOINT, by default /data, /data1, ...; a relative one (data) is "
                   "under / as rumprun's, and one over /etc hides the generated files. A directory is first copied "
                   "into an ext2 image (with --iso: an ISO 9660 image)")
        ->type_name("DISK[,MOUNTPOINT]")
        ->check(disk_spec()));
    repeatable(app.add_option("-V,--volume", a->volumes,
                   "share the host directory HOSTDIR with the program at GUESTDIR (docker's -v): a 9P file system "
                   "(virtio-9p), so what the program writes there is in HOSTDIR at once, as QEMU's user writes it; "
                   ":ro makes it read-only (EROFS). Unlike -b DIR, which copies DIR into an image")
        ->type_name("HOSTDIR:GUESTDIR[:ro]"));
    app.add_flag("--iso", a->iso, "a directory given to -b becomes a read-only ISO 9660 image (genisoimage -R -J), not ext2");
    app.add_option("-r,--rootfs", a->rootfs,
                   "the root file system: an ext2/3/4 image or a directory (made into an image), read-only under a "
                   "tmpfs overlay that takes the run's changes; a PROGRAM starting with '/' is a path inside it "
                   "(./PROGRAM: a host file). 'IMAGE /PATH' in PROGRAM's place means '--rootfs IMAGE /PATH'")
        ->type_name("IMAGE|DIR");
    auto* n = app.add_option("-n", "a new network interface (vioif0, vioif1, ...) on QEMU's user-mode network "
                                   "(10.0.2.0/24, the host is 10.0.2.2)")
                  ->type_name("inet,static,ADDR/PFX[,GW]|inet,dhcp|inet6,auto");
    auto* I = app.add_option("-I", "a network interface on a QEMU -netdev backend, e.g. "
                                   "'tap,ifname=tap0,script=no,downscript=no' (default user)")
                  ->type_name("IFTAG,vioif,BACKEND");
    auto* W = app.add_option("-W", "configure the -I interface IFTAG")->type_name("IFTAG,inet,...|IFTAG,inet6,auto");
    auto* P = app.add_option("-P,-p,--publish", "forward 127.0.0.1:HOSTPORT on the host to the guest's GUESTPORT "
                                                "(the first user-mode interface; without -n or -I, one configured by DHCP)")
                  ->type_name("[tcp:|udp:]HOSTPORT:GUESTPORT");
    app.add_option("--syslog", a->syslog,
                   "forward the program's syslog(3) messages (/dev/log; they are in the kernel's log anyway, -v) "
                   "as RFC 5424 datagrams to a syslog server, from the guest's network (needs -n or -I; the host "
                   "is 10.0.2.2 on QEMU's user-mode network)")
        ->type_name("udp:ADDRESS:PORT")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
                unsigned a, b, c, d, port;
                char end;
                if (std::sscanf(v.c_str(), "udp:%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &port, &end) != 5 || a > 255
                    || b > 255 || c > 255 || d > 255 || port < 1 || port > 65535 || v.find_first_of(" +-") != std::string::npos)
                    return "wants udp:ADDRESS:PORT (an IPv4 address and a port), not '" + v + "'";
                return "";
            },
            "", ""));
    app.add_flag("-i,--interactive", a->interactive, "wait for the guest; its stdio are husk run's");
    app.add_flag("-d,--detach", a->detach, "run the guest in the background as a named instance (the default without -i)");
    app.add_option("--name", a->name, "the background instance's name (default: a generated one); husk ps, logs, stop, ...")
        ->type_name("NAME")
        ->check(CLI::Validator([](std::string& v) -> std::string {
            return valid_instance_name(v) ? "" : "wants a name of letters, digits, '_', '.' and '-' (a letter or digit first), not '" + v + "'";
        }, "", ""));
    app.add_flag("--rm", a->remove, "remove the instance's record and log when its guest ends");
    app.add_flag("-v,--verbose", a->verbose, "with -i: the kernel's log on stderr as it comes (else only when the guest failed)");
    app.add_option("--machine", a->machine, "microvm (default; virtio-mmio), q35 or pc (virtio-pci)")
        ->type_name("TYPE")
        ->check(CLI::IsMember({ "microvm", "q35", "pc" }));
    repeatable(app.add_option("--append", a->appends, "extra kernel command line words (docs/configuration.md)")->type_name("WORDS"));
    app.add_option("--timeout", a->timeout_s, "with -i: stop the guest after SECONDS (exit status 124)")
        ->type_name("SECONDS")
        ->check(seconds());
    app.add_option("--stop-timeout", a->stop_timeout_s,
                   "how long SIGTERM, SIGINT or SIGHUP to husk run (or husk stop's request) wait for the guest to sync its disks "
                   "and stop (default 10; exit status 128+signal) before killing it (137)")
        ->type_name("SECONDS")
        ->check(seconds());
    repeatable(app.add_option("-g", a->qemu_words, "extra arguments for QEMU, split at white space")->type_name("'QEMU ARGS'"));
    app.add_option("-D,--gdb", a->gdb_port, "QEMU's gdb stub on 127.0.0.1:PORT; the guest waits for gdb before its first instruction")
        ->type_name("PORT")
        ->check(whole_number("a TCP port number", 1, 65535));
    app.add_option("--kernel", a->kernel,
                   "the kernel a PROGRAM boots with: full (the default) or minimal, a smaller one without TCP/IP "
                   "networking (-n, -I, -p, --syslog), 9P (--volume), ISO 9660 (--iso) and the overlay root (--rootfs)")
        ->type_name("KERNEL")
        ->check(CLI::IsMember(kernel_names()));
    app.add_flag("--dry-run", a->dry_run, "print the QEMU command line instead of running it");
    auto* file = app.add_option("-f,--file", "husk run's flags, the platform, the program and its arguments from a TOML file "
                                             "(examples/husk.toml); flags on the command line win")
                     ->type_name("FILE")->configurable(false);
    app.footer("Exit status: the guest's, 124 on timeout, 125 when the kernel crashed or QEMU could not run\n"
               "the image, 126 when PROGRAM cannot be run (a directory, not a static x86-64 executable),\n"
               "128+N when a signal N killed it (139: SIGSEGV, 133: SIGTRAP, 137: it ran out of the guest's\n"
               "memory, as Linux's OOM killer) or N stopped husk run and the guest synced and stopped (143:\n"
               "SIGTERM), 137 when the guest did not stop within --stop-timeout and was killed, 2 for a bad\n"
               "option or value (a --volume whose HOSTDIR is not a directory too).");
    for (const char* platform : { "qemu", "kvm" }) {
        CLI::App* sub = app.add_subcommand(platform, std::string(platform) == "qemu" ? "software emulation (TCG), always available"
                                                                                   : "hardware virtualisation (/dev/kvm)");
        sub->fallthrough();       // husk run's options, before PROGRAM
        sub->positionals_at_end(); // PROGRAM ends them: the rest is the program's
        sub->add_option("IMAGE", a->image, "a Husk image, or a static Linux x86-64 executable (PROGRAM)")
            ->required()
            ->type_name("IMAGE|PROGRAM");
        sub->add_option("ARGS", a->program_args, "the program's arguments (options included)");
        sub->footer("husk run's options (-i, -e, -b, -V, -M, -n, -p, -v, --timeout, ...) come before PROGRAM: husk run --help\n"
                    "lists them. Everything after PROGRAM is the program's.");
        sub->callback([a, platform] { a->kvm = std::string(platform) == "kvm"; });
    }
    for (CLI::Option* o : { n, I, W, P })
        repeatable(o);
    file->each([a, n, I, W, P, &app](const std::string& path) {
        apply_option_file(app, path, [&](const std::string& key, CLI::Option* o, const std::vector<std::string>& v) {
            bool one = v.size() == 1 && !v[0].empty();
            if (key == "platform" && (!one || (v[0] != "qemu" && v[0] != "kvm")))
                throw CLI::ConfigError("platform: wants qemu or kvm");
            if ((key == "program") && !one)
                throw CLI::ConfigError("program: wants one path");
            if (key == "platform" || key == "program") {
                (key == "platform" ? a->file_platform : a->file_image) = v[0];
                return true;
            }
            if (key == "args") {
                a->file_args = v;
                return true;
            }
            if (!o || (o != n && o != I && o != W && o != P))
                return false;
            if (o->empty()) // the file's network flags come before the command line's
                for (const auto& spec : v)
                    a->network.emplace_back(o == n ? 'n' : o == I ? 'I' : o == W ? 'W' : 'P', spec);
            return true;
        });
        // The file may name the platform: CLI11 checks the requirement after this callback.
        if (!a->file_platform.empty())
            app.require_subcommand(0, 1);
    });
    // The network flags in command-line order: interface numbers follow it.
    app.callback([a, n, I, W, P, &app] {
        if (app.get_subcommands().empty()) { // the platform and program from -f FILE
            if (a->file_platform.empty())
                throw CLI::RequiredError::Subcommand(1);
            if (a->file_image.empty())
                throw CLI::RequiredError("IMAGE (program = in the file)");
            a->kvm = a->file_platform == "kvm";
            a->image = a->file_image;
            a->program_args = a->file_args;
        }
        std::map<const CLI::Option*, size_t> taken;
        for (const CLI::Option* o : app.parse_order()) {
            char flag = o == n ? 'n' : o == I ? 'I' : o == W ? 'W' : o == P ? 'P' : 0;
            if (flag)
                a->network.emplace_back(flag, o->results()[taken[o]++]);
        }
    });
    return [a] { return run_guest(*a); };
}

} // namespace husk::tools
