#include "RunCommand.h"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <iterator>
#include <sstream>
#include <string>
#include <unistd.h>
#include "../../platform/hosted/ImageLock.h"
#include "ImageFiles.h"
#include "JsonText.h"
#include "NetworkOptions.h"
#include "QemuLauncher.h"
#include "RootFs.h"

namespace husk::tools {

namespace {
constexpr int kUsageError = 2;
constexpr int kBusyImage = 125; // as when QEMU cannot start
constexpr int kCannotRun = 126; // as a shell's status for a file it cannot execute

void usage(FILE* out)
{
    std::fprintf(out,
                 "usage: husk run qemu|kvm [options] IMAGE|PROGRAM [--] [ARGS...]\n"
                 "\n"
                 "Boots a Husk image (an ELF with a PVH note) in a QEMU microVM, or a static\n"
                 "Linux x86-64 executable PROGRAM as a unikernel (Husk's program image with\n"
                 "PROGRAM beside it), with ARGS as its arguments. With -i the guest's console\n"
                 "is this terminal and husk run exits with the guest's (the program's) exit\n"
                 "status; without -i the guest runs in the background, its console in a log\n"
                 "file (husk run prints where), as rumprun does.\n"
                 "\n"
                 "  qemu               software emulation (TCG), always available\n"
                 "  kvm                hardware virtualisation (/dev/kvm)\n"
                 "options:\n"
                 "  -M MB              guest memory in MiB (default 64, at least 4)\n"
                 "  -e NAME=VALUE      put NAME=VALUE in the program's environment\n"
                 "  -b DISK[,MOUNTPOINT]\n"
                 "                     attach the raw image DISK as the next virtio block\n"
                 "                     device (vda, vdb, ...); a program sees it (ext2/3/4,\n"
                 "                     or ISO 9660 read-only, by its contents) at MOUNTPOINT,\n"
                 "                     by default /data, /data1, ...; a relative one (data)\n"
                 "                     is under / as rumprun's, and one over /etc hides the\n"
                 "                     generated files. A directory is first copied into an\n"
                 "                     ext2 image (with --iso: an ISO 9660 image, read-only,\n"
                 "                     made by genisoimage -R -J)\n"
                 "  -r, --rootfs IMAGE|DIR\n"
                 "                     the root file system: an ext2/3/4 image or a directory\n"
                 "                     (made into an image), read-only under a tmpfs overlay that\n"
                 "                     takes the run's changes; a PROGRAM starting with '/' is a\n"
                 "                     path inside it (./PROGRAM: a host file). 'IMAGE /PATH'\n"
                 "                     in PROGRAM's place means '--rootfs IMAGE /PATH'\n"
                 "  -n inet,static,ADDR/PFX[,GATEWAY] | inet,dhcp | inet6,auto\n"
                 "                     a new network interface (vioif0, vioif1, ...) on QEMU's\n"
                 "                     user-mode network (10.0.2.0/24, gateway 10.0.2.2 = the\n"
                 "                     host's loopback, DHCP and DNS at 10.0.2.2/10.0.2.3)\n"
                 "  -I IFTAG,vioif,BACKEND\n"
                 "                     a network interface on a QEMU -netdev backend, e.g.\n"
                 "                     'tap,ifname=tap0,script=no,downscript=no' (default user)\n"
                 "  -W IFTAG,inet,static,ADDR/PFX[,GATEWAY] | IFTAG,inet,dhcp | IFTAG,inet6,auto\n"
                 "                     configure the -I interface IFTAG\n"
                 "  -P [tcp:|udp:]HOSTPORT:GUESTPORT\n"
                 "                     forward 127.0.0.1:HOSTPORT on the host to the guest's\n"
                 "                     GUESTPORT (the first user-mode interface)\n"
                 "  -i                 interactive: wait for the guest, its console is this\n"
                 "                     terminal (output and input)\n"
                 "  --machine TYPE     microvm (default; virtio-mmio), q35 or pc (virtio-pci)\n"
                 "  --append WORDS     extra kernel command line words\n"
                 "  --timeout SECONDS  with -i: stop the guest after SECONDS (exit status 124)\n"
                 "  --stop-timeout SECONDS\n"
                 "                     with -i: how long SIGTERM, SIGINT or SIGHUP to husk run\n"
                 "                     wait for the guest to sync its disks and stop (default\n"
                 "                     10; exit status 128+signal) before killing it (137)\n"
                 "  -g 'QEMU ARGS'     extra arguments for QEMU, split at white space\n"
                 "  -D PORT            QEMU's gdb stub on 127.0.0.1:PORT; the guest waits for\n"
                 "                     gdb before its first instruction\n"
                 "  -p, --dry-run      print the QEMU command line instead of running it\n"
                 "\n"
                 "Exit status: the guest's, 124 on timeout, 125 when the kernel crashed or\n"
                 "QEMU could not run the image, 126 when PROGRAM cannot be run (a directory,\n"
                 "not a static x86-64 executable), 128+N when a signal N killed it (139:\n"
                 "SIGSEGV, 133: SIGTRAP, 137: it ran out of the guest's memory, as Linux's\n"
                 "OOM killer) or N stopped husk run and the guest synced and stopped (143:\n"
                 "SIGTERM), 137 when the guest did not stop within --stop-timeout and was\n"
                 "killed, 2 for a bad option or value.\n");
}

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
        std::string cmd = "genisoimage -quiet -R -J -joliet-long -o " + path + " " + shell_word(dir) + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            return "";
        return path;
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
};

// A finite number >= 0 (seconds, MiB, a port): "inf" and "nan" are not.
bool parse_number(const char* s, double* out)
{
    char* end = nullptr;
    *out = std::strtod(s, &end);
    return end && end != s && *end == 0 && std::isfinite(*out) && *out >= 0 && *out < 1e9;
}
} // namespace

int run_command(int argc, char** argv)
{
    RunOptions o;
    bool dry_run = false;
    bool iso_disks = false; // --iso: -b DIR becomes an ISO 9660 image (read-only), not ext2
    std::vector<std::string> program_args;
    std::vector<std::string> environment; // -e NAME=VALUE
    std::vector<std::string> mountpoints; // per -b: where the program sees it ("" = the default)
    TemporaryImages temporary;
    NetworkOptions network;
    RootFs rootfs;
    bool baked = false, machine_given = false;
    unsigned gdb_port = 0;
    int i = 2;
    if (i < argc && (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (i >= argc)
        return usage_error("%s", "missing platform: qemu or kvm");
    std::string platform = argv[i++];
    if (platform != "qemu" && platform != "kvm")
        return usage_error("unknown platform '%s' (expected qemu or kvm)", platform.c_str());
    o.kvm = platform == "kvm";
    for (; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](const char* what) -> const char* {
            if (i + 1 >= argc) {
                usage_error("%s needs a value", what);
                return nullptr;
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        } else if (a == "-M") {
            const char* v = value("-M");
            double mib;
            if (!v)
                return kUsageError;
            if (!parse_number(v, &mib) || mib < 4 || mib > 65536 || mib != double(unsigned(mib)))
                return usage_error("-M wants a memory size in MiB between 4 and 65536, not '%s'", v);
            o.memory_mib = unsigned(mib);
        } else if (a == "-b") {
            const char* v = value("-b");
            if (!v)
                return kUsageError;
            std::string disk = v, mountpoint;
            if (size_t comma = disk.find(','); comma != std::string::npos) {
                mountpoint = disk.substr(comma + 1);
                disk = disk.substr(0, comma);
                if (mountpoint.empty() || mountpoint.find_first_of(" ,:\t") != std::string::npos)
                    return usage_error("-b %s: the mount point must be a path without spaces, commas or colons", v);
                if (mountpoint[0] != '/')
                    mountpoint = "/" + mountpoint; // rumprun's -b IMAGE,data: /data
            }
            if (access(disk.c_str(), R_OK) != 0)
                return usage_error("-b: cannot read disk image or directory '%s'", disk.c_str());
            o.disks.push_back(disk);
            mountpoints.push_back(mountpoint);
        } else if (a == "-r" || a == "--rootfs") {
            const char* v = value(a.c_str());
            if (!v)
                return kUsageError;
            rootfs.source = v;
        } else if (a == "-n" || a == "-I" || a == "-W" || a == "-P") {
            const char* v = value(a.c_str());
            if (!v)
                return kUsageError;
            std::string e = a == "-n" ? network.add_n(v) : a == "-I" ? network.add_interface(v)
                          : a == "-W" ? network.add_config(v) : network.add_forward(v);
            if (!e.empty())
                return usage_error("%s", e.c_str());
        } else if (a == "-e") {
            const char* v = value("-e");
            if (!v)
                return kUsageError;
            std::string env = v;
            if (env.find('=') == std::string::npos || env[0] == '=')
                return usage_error("-e wants NAME=VALUE, not '%s'", v);
            environment.push_back(env);
        } else if (a == "-i") {
            o.interactive = true;
        } else if (a == "--machine") {
            const char* v = value("--machine");
            if (!v)
                return kUsageError;
            std::string m = v;
            if (m != "microvm" && m != "q35" && m != "pc")
                return usage_error("--machine: unknown machine type '%s' (microvm, q35 or pc)", v);
            o.machine = m;
            machine_given = true;
        } else if (a == "--append") {
            const char* v = value("--append");
            if (!v)
                return kUsageError;
            o.cmdline.push_back(v);
        } else if (a == "--timeout") {
            const char* v = value("--timeout");
            if (!v)
                return kUsageError;
            if (!parse_number(v, &o.timeout_s) || o.timeout_s == 0)
                return usage_error("--timeout wants a positive number of seconds, not '%s'", v);
        } else if (a == "--stop-timeout") {
            const char* v = value("--stop-timeout");
            if (!v)
                return kUsageError;
            if (!parse_number(v, &o.stop_timeout_s) || o.stop_timeout_s == 0)
                return usage_error("--stop-timeout wants a positive number of seconds, not '%s'", v);
        } else if (a == "-D") {
            const char* v = value("-D");
            double port;
            if (!v)
                return kUsageError;
            if (!parse_number(v, &port) || port < 1 || port > 65535 || port != double(unsigned(port)))
                return usage_error("-D wants a TCP port number, not '%s'", v);
            gdb_port = unsigned(port);
            o.qemu_args.insert(o.qemu_args.end(), { "-gdb", "tcp:127.0.0.1:" + std::to_string(gdb_port), "-S" });
        } else if (a == "-g") {
            const char* v = value("-g");
            if (!v)
                return kUsageError;
            std::istringstream words(v);
            for (std::string word; words >> word;)
                o.qemu_args.push_back(word);
        } else if (a == "--dry-run" || a == "-p") {
            dry_run = true;
        } else if (a == "--iso") {
            iso_disks = true;
        } else if (a == "--" && !o.image.empty()) {
            program_args.insert(program_args.end(), argv + i + 1, argv + argc);
            break;
        } else if (!a.empty() && a[0] == '-' && o.image.empty()) {
            return usage_error("unknown option '%s'", a.c_str());
        } else if (o.image.empty()) {
            o.image = a;
        } else {
            program_args.push_back(a); // the program's arguments start here
        }
    }
    if (o.image.empty())
        return usage_error("%s", "missing IMAGE");
    if (std::string e = network.finish(); !e.empty())
        return usage_error("%s", e.c_str());
    o.netdevs = network.netdevs();
    // --rootfs IMAGE /usr/bin/PROGRAM (or IMAGE /usr/bin/PROGRAM): the
    // program image runs a file of the root.
    rootfs.take_image_argument(o.image, program_args);
    std::string guest_program = rootfs.guest_program(o.image);
    if (!guest_program.empty())
        o.image = program_image();
    if (access(o.image.c_str(), R_OK) != 0)
        return usage_error("cannot read image '%s'", o.image.c_str());
    FileKind kind = inspect(o.image);
    if (!kind.husk_image) {
        // A plain program: Husk's program image boots it, passed beside.
        // As a shell does with a file it cannot execute: 126.
        if (!kind.elf) {
            std::fprintf(stderr, "husk run: %s: %s (neither a Husk image nor a program)\n", o.image.c_str(),
                         kind.program_problem.c_str());
            return kCannotRun;
        }
        std::string kernel = program_image();
        if (access(kernel.c_str(), R_OK) != 0)
            return usage_error("cannot find Husk's program image '%s' (set HUSK_PROGRAM_IMAGE)", kernel.c_str());
        o.program = o.image;
        o.image = kernel;
        std::string name = o.program.substr(o.program.rfind('/') + 1);
        program_args.insert(program_args.begin(), name);
    } else if (const std::string& config = kind.baked_config; !config.empty()) {
        // A baked image: its program takes the arguments; hw_generic boots
        // on a PC machine unless --machine says otherwise.
        baked = true;
        if (config == "hw_generic" && !machine_given)
            o.machine = "q35";
        program_args.insert(program_args.begin(), kind.baked_name);
    } else if (!guest_program.empty()) {
        program_args.insert(program_args.begin(), guest_program);
    } else if (!program_args.empty()) {
        return usage_error("'%s' is a Husk image: arguments go to programs, not to images", o.image.c_str());
    }
    std::vector<std::string> blk; // JSON objects for the program's disks
    for (size_t i = 0; i < o.disks.size(); ++i) {
        struct stat st;
        if (stat(o.disks[i].c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            std::string image = iso_disks ? temporary.iso_from_directory(o.disks[i]) : temporary.from_directory(o.disks[i]);
            if (image.empty())
                return usage_error(iso_disks ? "-b %s: cannot make an ISO 9660 image of this directory (is genisoimage installed?)"
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
    if (!rootfs.source.empty()) {
        if (int status = rootfs.attach(o, dry_run, [&](const std::string& dir) { return temporary.from_directory(dir); }))
            return status;
    }
    // The program's configuration as JSON (docs/configuration.md): exact
    // arguments and environment, whatever characters they hold.
    if (!program_args.empty() || !environment.empty() || !blk.empty() || !network.empty()) {
        std::string json = "husk.json={\"argv\":" + json_strings(program_args) + ",\"env\":" + json_strings(environment);
        if (!blk.empty()) {
            json += ",\"blk\":[";
            for (size_t i = 0; i < blk.size(); ++i)
                json += (i ? "," : "") + blk[i];
            json += "]";
        }
        if (!network.empty())
            json += ",\"net\":" + network.json();
        o.cmdline.push_back(json + "}");
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
    QemuLauncher launcher(o);
    if (dry_run) {
        for (const auto& arg : launcher.arguments("file,path=STATUS"))
            std::printf("%s ", arg.c_str());
        std::printf("\n");
        return 0;
    }
    return o.interactive ? launcher.run() : launcher.start_detached();
}

} // namespace husk::tools
