#include "ServerCommand.h"
#include <cstdio>
#include <cstring>
#include <string>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../NetworkOptions.h"
#include "Address.h"
#include "Server.h"

namespace husk::remote {

namespace {
void usage(FILE* out)
{
    std::fprintf(out,
                 "usage: husk server [-d key=NAME,hostpath=FILE[,size=N[KMG]][,ro]]... [-m NAME:MOUNTPOINT]...\n"
                 "                   [-n inet,static,ADDR/PFX[,GW] | -n inet,dhcp | -n inet6,auto]...\n"
                 "                   [-I TAG,cable|tap|user[,OPTIONS]]... [-W TAG,inet,...]... [-P [tcp:|udp:]H:G]...\n"
                 "                   [--listen unix:PATH|tcp:HOST:PORT] [--token-file PATH | --insecure]\n"
                 "                   [--max-connections N] [--foreground] [--config WORDS]\n"
                 "\n"
                 "Starts a Husk kernel in its own process and serves remote clients (husk ctl).\n"
                 "-d attaches the host file FILE as a disk called NAME (ro: read-only; size=: FILE\n"
                 "is created, or grown, to that size); -m mounts disk NAME at MOUNTPOINT: ext2/3/4,\n"
                 "or ISO 9660 (read-only), as the image's contents say. The server detaches and\n"
                 "prints where it listens unless --foreground. husk ctl halt, SIGTERM or SIGINT\n"
                 "sync and unmount every file system, then stop it. Default: --listen unix:husk.sock (mode 0600: only\n"
                 "you connect). tcp:HOST:PORT (HOST a name or IPv4 address; PORT 0: any free one)\n"
                 "admits clients that present a token the server writes to a file only you read:\n"
                 "--token-file PATH, default $XDG_RUNTIME_DIR/husk/tcp-HOST-PORT.token; --insecure\n"
                 "admits anyone who can connect instead (dangerous: docs/security.md). At most N\n"
                 "connections at once (--max-connections, 4096).\n"
                 "-n gives the kernel a user-mode network interface (libslirp, 10.0.2.0/24) with\n"
                 "that address configuration; -I adds an interface of a kind: cable,path=DIR (a\n"
                 "segment shared with other hosted kernels), tap,ifname=NAME (root), user[,hostfwd=...];\n"
                 "-W configures an -I interface; -P forwards a host loopback port to the kernel.\n");
}

// "N", "NK", "NM", "NG" (binary units).
bool parse_size(const std::string& text, uint64_t& out)
{
    size_t digits = text.find_first_not_of("0123456789");
    if (digits == 0 || text.empty())
        return false;
    std::string unit = digits == std::string::npos ? "" : text.substr(digits);
    int shift = unit.empty() ? 0 : unit == "K" || unit == "k" ? 10 : unit == "M" || unit == "m" ? 20 : unit == "G" || unit == "g" ? 30 : -1;
    if (shift < 0 || digits > 12)
        return false;
    out = std::stoull(text.substr(0, digits)) << shift;
    return out > 0;
}

// rump_server's size=: the backing file is created, or grown (sparse), to
// size bytes; a larger file is never cut (its data would be lost).
std::string size_file(const std::string& path, uint64_t size, bool read_only)
{
    struct stat st;
    bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && uint64_t(st.st_size) >= size)
        return uint64_t(st.st_size) == size ? "" : "'" + path + "' is larger than size=" + std::to_string(size)
                                                     + " (a disk is never shrunk)";
    if (read_only)
        return "'" + path + "' is smaller than size=" + std::to_string(size) + " and ro forbids growing it";
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, off_t(size)) != 0) {
        std::string why = std::strerror(errno);
        if (fd >= 0)
            close(fd);
        return "cannot " + std::string(exists ? "grow" : "create") + " '" + path + "': " + why;
    }
    close(fd);
    return "";
}

int error(const std::string& what)
{
    std::fprintf(stderr, "husk server: %s\nTry 'husk server --help'.\n", what.c_str());
    return 2;
}
} // namespace

int server_command(int argc, char** argv)
{
    ServerOptions o;
    o.listen = "unix:husk.sock";
    o.config = "mem=64";
    tools::NetworkOptions net(tools::NetworkOptions::Target::Hosted);
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        } else if (a == "-d") {
            std::string spec = value();
            Disk d;
            uint64_t size = 0;
            bool has_size = false;
            size_t at = 0;
            while (at <= spec.size()) {
                size_t comma = spec.find(',', at);
                std::string part = spec.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
                if (part.rfind("key=", 0) == 0)
                    d.key = part.substr(4);
                else if (part.rfind("hostpath=", 0) == 0)
                    d.path = part.substr(9);
                else if (part == "ro")
                    d.read_only = true;
                else if (part.rfind("size=", 0) == 0 && parse_size(part.substr(5), size))
                    has_size = true;
                else
                    return error("-d: unknown or bad part '" + part + "' (key=NAME,hostpath=FILE[,size=N[KMG]][,ro])");
                if (comma == std::string::npos)
                    break;
                at = comma + 1;
            }
            if (d.key.empty() || d.path.empty())
                return error("-d needs key=NAME and hostpath=FILE");
            if (has_size)
                if (std::string problem = size_file(d.path, size, d.read_only); !problem.empty())
                    return error("-d: " + problem);
            if (access(d.path.c_str(), d.read_only ? R_OK : R_OK | W_OK) != 0)
                return error("-d: cannot " + std::string(d.read_only ? "read" : "read and write") + " '" + d.path + "'");
            for (const Disk& other : o.disks)
                if (other.key == d.key)
                    return error("-d: two disks called '" + d.key + "'");
            o.disks.push_back(d);
        } else if (a == "-m") {
            std::string spec = value();
            size_t colon = spec.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 >= spec.size() || spec[colon + 1] != '/')
                return error("-m wants NAME:MOUNTPOINT (an absolute path), not '" + spec + "'");
            Mount m { spec.substr(0, colon), spec.substr(colon + 1) };
            bool known = false;
            for (const Disk& d : o.disks)
                known = known || d.key == m.key;
            if (!known)
                return error("-m " + spec + ": no disk called '" + m.key + "' (give -d first)");
            o.mounts.push_back(m);
        } else if (a == "--listen") {
            o.listen = value();
            Address address;
            if (std::string problem = parse_address(o.listen, address, true); !problem.empty())
                return error("--listen: " + problem);
        } else if (a == "--token-file") {
            o.token_file = value();
            if (o.token_file.empty())
                return error("--token-file wants a path");
        } else if (a == "--insecure") {
            o.insecure = true;
        } else if (a == "--max-connections") {
            std::string n = value();
            if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string::npos || std::stoul(n) == 0)
                return error("--max-connections wants a number from 1 to 999999, not '" + n + "'");
            o.max_connections = std::stoul(n);
        } else if (a == "--foreground") {
            o.foreground = true;
        } else if (a == "--config") {
            o.config += " " + value();
        } else if (a == "-n" || a == "-I" || a == "-W" || a == "-P") {
            std::string spec = value(), problem;
            problem = a == "-n" ? net.add_n(spec) : a == "-I" ? net.add_interface(spec)
                    : a == "-W" ? net.add_config(spec) : net.add_forward(spec);
            if (!problem.empty())
                return error(problem);
        } else {
            return error("unknown argument '" + a + "'");
        }
    }
    if (std::string problem = net.finish(); !problem.empty())
        return error(problem);
    if (!net.empty()) {
        o.interfaces = net.netdevs();
        o.config += " husk.json={\"net\":" + net.json() + "}";
    }
    return serve(o);
}

} // namespace husk::remote
