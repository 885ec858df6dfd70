#include "Ctl.h"
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>
#include "Client.h"
#include "CtlCommands.h"

namespace husk::remote::ctl {

namespace {
std::string g_command; // for messages: "husk ctl: CMD: ..."
} // namespace

int complain(const std::string& what, long error)
{
    std::fprintf(stderr, "husk ctl: %s: %s: %s\n", g_command.c_str(), what.c_str(), std::strerror(int(-error)));
    return 1;
}

long list(Kernel& k, const std::string& dir, std::vector<std::string>& names)
{
    long fd = k.open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fd;
    char buf[32768];
    for (;;) {
        long n = k.getdents(fd, buf, sizeof buf);
        if (n <= 0) {
            k.close(fd);
            if (n < 0)
                return n;
            break;
        }
        for (long at = 0; at < n;) {
            uint16_t reclen;
            std::memcpy(&reclen, buf + at + 16, 2);
            names.emplace_back(buf + at + 19);
            at += reclen;
        }
    }
    std::sort(names.begin(), names.end());
    return 0;
}

bool is_host(const std::string& p) { return p.rfind("host:", 0) == 0; }
std::string strip(const std::string& p) { return is_host(p) ? p.substr(5) : p.rfind("husk:", 0) == 0 ? p.substr(5) : p; }

namespace {

int cmd_cat(Kernel& k, const std::vector<std::string>& args)
{
    int status = 0;
    char buf[65536];
    for (const auto& p : args) {
        long fd = k.open(p, O_RDONLY);
        if (fd < 0) {
            status = complain(p, fd);
            continue;
        }
        long n;
        while ((n = k.read(fd, buf, sizeof buf)) > 0)
            std::fwrite(buf, 1, size_t(n), stdout);
        if (n < 0)
            status = complain(p, n);
        k.close(fd);
    }
    return status;
}

int cmd_cp(Kernel& k, const std::vector<std::string>& args)
{
    if (args.size() != 2) {
        std::fprintf(stderr, "husk ctl: cp: usage: cp SOURCE DEST (host:PATH for the host's files)\n");
        return 2;
    }
    std::string src = strip(args[0]), dst = strip(args[1]);
    End in { k, is_host(args[0]), -1 }, out { k, is_host(args[1]), -1 };
    // A destination directory takes the source's name.
    struct stat st;
    bool dst_dir = out.host ? (::stat(dst.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
                            : (k.stat(dst, &st, true) == 0 && S_ISDIR(st.st_mode));
    if (dst_dir)
        dst += "/" + src.substr(src.rfind('/') + 1);
    if (long r = in.open(src, O_RDONLY); r < 0)
        return complain("cannot stat '" + args[0] + "'", r);
    if (long r = out.open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644); r < 0) {
        in.close();
        return complain("cannot create regular file '" + args[1] + "'", r);
    }
    std::vector<char> buf(1 << 20);
    long n, status = 0;
    while ((n = in.read(buf.data(), buf.size())) > 0) {
        for (long done = 0; done < n;) {
            long w = out.write(buf.data() + done, size_t(n - done));
            if (w <= 0) {
                status = complain("error writing '" + args[1] + "'", w ? w : -EIO);
                n = -1;
                break;
            }
            done += w;
        }
        if (n < 0)
            break;
    }
    if (n < 0 && !status)
        status = complain("error reading '" + args[0] + "'", n);
    in.close();
    if (long c = out.close(); c < 0 && !status)
        status = complain("error writing '" + args[1] + "'", c);
    return int(status);
}

int cmd_mkdir(Kernel& k, const std::vector<std::string>& args)
{
    bool parents = false;
    int status = 0;
    for (const auto& a : args) {
        if (a == "-p") {
            parents = true;
            continue;
        }
        if (parents) {
            for (size_t i = 1; i <= a.size(); ++i)
                if (i == a.size() || a[i] == '/') {
                    long r = k.mkdir(a.substr(0, i), 0755);
                    if (r < 0 && r != -EEXIST) {
                        status = complain("cannot create directory '" + a + "'", r);
                        break;
                    }
                }
        } else if (long r = k.mkdir(a, 0755); r < 0) {
            status = complain("cannot create directory '" + a + "'", r);
        }
    }
    return status;
}

long remove_tree(Kernel& k, const std::string& p)
{
    struct stat st;
    long r = k.stat(p, &st);
    if (r < 0)
        return r;
    if (!S_ISDIR(st.st_mode))
        return k.unlink(p, 0);
    std::vector<std::string> names;
    if ((r = list(k, p, names)) < 0)
        return r;
    for (auto& n : names)
        if (n != "." && n != "..")
            if ((r = remove_tree(k, p + "/" + n)) < 0)
                return r;
    return k.unlink(p, AT_REMOVEDIR);
}

int cmd_rm(Kernel& k, const std::vector<std::string>& args)
{
    bool recursive = false, force = false;
    int status = 0;
    for (const auto& a : args) {
        if (a.size() > 1 && a[0] == '-') {
            recursive = recursive || a.find_first_of("rR") != std::string::npos;
            force = force || a.find('f') != std::string::npos;
            continue;
        }
        long r = recursive ? remove_tree(k, a) : k.unlink(a, 0);
        if (r < 0 && !(force && r == -ENOENT))
            status = complain("cannot remove '" + a + "'", r);
    }
    return status;
}

int cmd_stat(Kernel& k, const std::vector<std::string>& args)
{
    int status = 0;
    for (const auto& p : args) {
        struct stat st;
        long r = k.stat(p, &st);
        if (r < 0) {
            status = complain("cannot statx '" + p + "'", r);
            continue;
        }
        std::printf("  File: %s\n  Size: %lld\tBlocks: %lld\tLinks: %lu\nAccess: (%04o)  Uid: %u  Gid: %u\n  Inode: %llu\n",
                    p.c_str(), (long long)st.st_size, (long long)st.st_blocks, (unsigned long)st.st_nlink,
                    st.st_mode & 07777, st.st_uid, st.st_gid, (unsigned long long)st.st_ino);
    }
    return status;
}

int cmd_df(Kernel& k, const std::vector<std::string>& args)
{
    std::vector<std::string> paths = args.empty() ? std::vector<std::string> { "/" } : args;
    std::printf("Filesystem     1K-blocks    Used Available Use%% Mounted on\n");
    int status = 0;
    for (const auto& p : paths) {
        struct statfs s;
        long r = k.statfs(p, &s);
        if (r < 0) {
            status = complain(p, r);
            continue;
        }
        unsigned long long kb = s.f_bsize / 1024;
        unsigned long long total = s.f_blocks * kb, avail = s.f_bavail * kb, used = (s.f_blocks - s.f_bfree) * kb;
        std::printf("%-14s %9llu %7llu %9llu %3llu%% %s\n", "husk", total, used, avail,
                    total ? (used * 100 + total - 1) / total : 0, p.c_str());
    }
    return status;
}
// Walks PATH depth first (entries in name order), calling visit(path, stat).
long walk(Kernel& k, const std::string& p, const std::function<void(const std::string&, const struct stat&)>& visit)
{
    struct stat st;
    long r = k.stat(p, &st);
    if (r < 0)
        return r;
    visit(p, st);
    if (!S_ISDIR(st.st_mode))
        return 0;
    std::vector<std::string> names;
    if ((r = list(k, p, names)) < 0)
        return r;
    for (auto& n : names)
        if (n != "." && n != "..")
            if ((r = walk(k, (p == "/" ? "" : p) + "/" + n, visit)) < 0)
                return r;
    return 0;
}

// du: the KiB PATH's blocks take, directories' with what they hold; with
// `each`, every directory below PATH is printed after its contents.
long usage(Kernel& k, const std::string& p, bool each, unsigned long long& total)
{
    struct stat st;
    long r = k.stat(p, &st);
    if (r < 0)
        return r;
    total = (unsigned long long)st.st_blocks / 2;
    if (!S_ISDIR(st.st_mode))
        return 0;
    std::vector<std::string> names;
    if ((r = list(k, p, names)) < 0)
        return r;
    for (auto& n : names) {
        if (n == "." || n == "..")
            continue;
        std::string child = (p == "/" ? "" : p) + "/" + n;
        unsigned long long sub = 0;
        if ((r = usage(k, child, each, sub)) < 0)
            return r;
        total += sub;
        struct stat cs;
        if (each && k.stat(child, &cs) == 0 && S_ISDIR(cs.st_mode))
            std::printf("%llu\t%s\n", sub, child.c_str());
    }
    return 0;
}

int run(Kernel& k, const std::string& c, const std::vector<std::string>& args);

// Commands read from standard input, one per line, on one connection.
int cmd_shell(Kernel& k)
{
    bool tty = isatty(STDIN_FILENO);
    int status = 0;
    char line[4096];
    for (;;) {
        if (tty) {
            std::printf("husk> ");
            std::fflush(stdout);
        }
        if (!std::fgets(line, sizeof line, stdin))
            break;
        std::vector<std::string> words;
        for (char* w = std::strtok(line, " \t\n"); w; w = std::strtok(nullptr, " \t\n"))
            words.emplace_back(w);
        if (words.empty())
            continue;
        if (words[0] == "exit" || words[0] == "quit")
            break;
        g_command = words[0];
        status = run(k, words[0], std::vector<std::string>(words.begin() + 1, words.end()));
        std::fflush(stdout);
        if (words[0] == "halt")
            break;
    }
    return status;
}
} // namespace

namespace {
int run(Kernel& k, const std::string& c, const std::vector<std::string>& args)
{
    if (c == "find") {
        int status = 0;
        for (const auto& p : args.empty() ? std::vector<std::string> { "/" } : args)
            if (long r = walk(k, p, [](const std::string& path, const struct stat&) { std::printf("%s\n", path.c_str()); }); r < 0)
                status = complain("'" + p + "'", r);
        return status;
    }
    if (c == "du") {
        bool summary = !args.empty() && args[0] == "-s";
        std::vector<std::string> paths(args.begin() + (summary ? 1 : 0), args.end());
        if (paths.empty())
            paths.push_back("/");
        int status = 0;
        for (const auto& p : paths) {
            unsigned long long total = 0;
            long r = usage(k, p, !summary, total);
            if (r < 0)
                status = complain("cannot access '" + p + "'", r);
            else
                std::printf("%llu\t%s\n", total, p.c_str());
        }
        return status;
    }
    if (c == "mount" && args.size() >= 2) {
        std::string type = "ext2";
        unsigned long flags = 0;
        for (size_t j = 2; j + 1 < args.size(); j += 2) {
            if (args[j] == "-t")
                type = args[j + 1];
            else if (args[j] == "-o" && args[j + 1] == "ro")
                flags |= MS_RDONLY;
        }
        long r = k.mount(args[0], args[1], type, flags);
        return r < 0 ? complain(args[1], r) : 0;
    }
    if (c == "umount" && args.size() == 1) {
        long r = k.umount(args[0]);
        return r < 0 ? complain(args[0], r) : 0;
    }
    if (c == "sysinfo") {
        struct sysinfo info;
        long r = k.sysinfo(&info);
        if (r < 0)
            return complain("sysinfo", r);
        std::printf("uptime: %ld s\nmemory: %lu KiB total, %lu KiB free\nprocesses: %u\n", info.uptime,
                    (unsigned long)(info.totalram * info.mem_unit / 1024), (unsigned long)(info.freeram * info.mem_unit / 1024),
                    unsigned(info.procs));
        return 0;
    }
    if (c == "ls")
        return cmd_ls(k, args);
    if (c == "dd")
        return cmd_dd(k, args);
    if (c == "ifconfig")
        return cmd_ifconfig(k, args);
    if (c == "route")
        return cmd_route(k, args);
    if (c == "cat")
        return cmd_cat(k, args);
    if (c == "cp")
        return cmd_cp(k, args);
    if (c == "mkdir")
        return cmd_mkdir(k, args);
    if (c == "rm")
        return cmd_rm(k, args);
    if (c == "stat")
        return cmd_stat(k, args);
    if (c == "df")
        return cmd_df(k, args);
    if (c == "mv" && args.size() == 2) {
        long r = k.rename(args[0], args[1]);
        return r < 0 ? complain("cannot move '" + args[0] + "' to '" + args[1] + "'", r) : 0;
    }
    if (c == "ln" && (args.size() == 2 || (args.size() == 3 && args[0] == "-s"))) {
        bool sym = args.size() == 3;
        long r = sym ? k.symlink(args[1], args[2]) : k.link(args[0], args[1]);
        return r < 0 ? complain("failed to create link '" + args.back() + "'", r) : 0;
    }
    if (c == "touch") {
        int status = 0;
        for (const auto& p : args) {
            long r = k.touch(p);
            if (r == -ENOENT && (r = k.open(p, O_WRONLY | O_CREAT, 0644)) >= 0)
                r = k.close(r);
            if (r < 0)
                status = complain("cannot touch '" + p + "'", r);
        }
        return status;
    }
    if (c == "chmod" && args.size() >= 2) {
        int status = 0;
        int mode = int(std::strtol(args[0].c_str(), nullptr, 8));
        for (size_t j = 1; j < args.size(); ++j)
            if (long r = k.chmod(args[j], mode); r < 0)
                status = complain("cannot access '" + args[j] + "'", r);
        return status;
    }
    if (c == "dmesg") {
        std::vector<char> buf(1 << 20);
        long n = k.syslog(buf.data(), buf.size());
        if (n < 0)
            return complain("read kernel buffer failed", n);
        std::fwrite(buf.data(), 1, size_t(n), stdout);
        return 0;
    }
    if (c == "sync")
        return k.sync() < 0 ? 1 : 0;
    if (c == "halt")
        return k.halt() < 0 ? complain("halt", -EIO) : 0;
    std::fprintf(stderr, "husk ctl: unknown command or wrong arguments: %s (husk ctl --help)\n", c.c_str());
    return 2;
}
} // namespace

} // namespace husk::remote::ctl

namespace husk::remote {

using namespace ctl;

int ctl_command(int argc, char** argv)
{
    std::string server = std::getenv("HUSK_SERVER") ? std::getenv("HUSK_SERVER") : "";
    Client::Options options;
    int i = 2;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-' && std::strcmp(argv[i], "--help"); i += 2) {
        std::string option = argv[i], value = argv[i + 1];
        if (option == "--server") {
            server = value;
        } else if (option == "--token-file") {
            options.token_file = value;
        } else if (option == "--timeout" && !value.empty() && value.size() <= 6
                   && value.find_first_not_of("0123456789") == std::string::npos) {
            options.timeout = unsigned(std::stoul(value));
        } else if (option == "--timeout") {
            std::fprintf(stderr, "husk ctl: --timeout wants whole seconds (0: wait forever), not '%s'\n", value.c_str());
            return 2;
        } else {
            break;
        }
    }
    if (i >= argc || !std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
        std::fprintf(i >= argc ? stderr : stdout,
                     "usage: husk ctl [--server unix:PATH|tcp:HOST:PORT] [--token-file PATH] [--timeout SECONDS]\n"
                     "                COMMAND [ARGS...]\n\n"
                     "Runs COMMAND against the kernel of a husk server (HUSK_SERVER by default).\n"
                     "Over tcp: the server's token from --token-file, HUSK_TOKEN_FILE, HUSK_TOKEN or the\n"
                     "default file the server printed. --timeout: how long to wait for an answer (30).\n"
                     "  ls [-a] [-l] [-d] [PATH...]   cat FILE...   cp SRC DST (host:PATH is the host's)\n"
                     "  mkdir [-p] DIR...   rm [-r] [-f] PATH...   mv SRC DST   ln [-s] TARGET NAME\n"
                     "  stat PATH...   df [PATH...]   touch FILE...   chmod MODE PATH...\n"
                     "  dd [if=FILE] [of=FILE] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N]\n"
                     "     [conv=notrunc,fsync] [status=none|noxfer]\n"
                     "  find [PATH...]   du -s [PATH...]   mount DEV DIR [-t TYPE] [-o ro]   umount DIR\n"
                     "  ifconfig [-a] | IFACE [ADDR] [netmask MASK] [up|down]\n"
                     "  route [-n] | route add default gw ADDR | route del default\n"
                     "  sysinfo   dmesg   sync   halt (sync, unmount, stop the server)\n"
                     "  shell (commands from standard input, one per line, on one connection)\n");
        return i >= argc ? 2 : 0;
    }
    g_command = argv[i++];
    std::vector<std::string> args(argv + i, argv + argc);
    if (server.empty()) {
        std::fprintf(stderr, "husk ctl: no server: set HUSK_SERVER or give --server\n");
        return 2;
    }
    Client client;
    if (std::string why = Client::connect(server, client, options); !why.empty()) {
        std::fprintf(stderr, "husk ctl: %s\n", why.c_str());
        return 1;
    }
    Kernel k(client);
    if (g_command == "shell")
        return cmd_shell(k);
    return run(k, g_command, args);
}

} // namespace husk::remote
