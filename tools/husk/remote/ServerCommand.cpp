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
#include <map>
#include <memory>

namespace husk::remote {

namespace {
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
struct ServerArgs {
    std::vector<std::string> disks, mounts, n, interfaces, configs, forwards, config_words;
    // -n, -I, -W, -P in command-line order (interface numbers follow it).
    std::vector<std::pair<char, std::string>> network;
    std::string listen = "unix:husk.sock", token_file;
    bool insecure = false, foreground = false;
    unsigned max_connections = 0;
};

std::string parse_disk(const std::string& spec, ServerOptions& o)
{
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
            return "-d: unknown or bad part '" + part + "' (key=NAME,hostpath=FILE[,size=N[KMG]][,ro])";
        if (comma == std::string::npos)
            break;
        at = comma + 1;
    }
    if (d.key.empty() || d.path.empty())
        return "-d needs key=NAME and hostpath=FILE";
    for (const Disk& other : o.disks)
        if (other.key == d.key)
            return "-d: two disks called '" + d.key + "'";
    if (has_size)
        if (std::string problem = size_file(d.path, size, d.read_only); !problem.empty())
            return "-d: " + problem;
    if (access(d.path.c_str(), d.read_only ? R_OK : R_OK | W_OK) != 0)
        return "-d: cannot " + std::string(d.read_only ? "read" : "read and write") + " '" + d.path + "'";
    o.disks.push_back(d);
    return "";
}

std::string parse_mount(const std::string& spec, ServerOptions& o)
{
    size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= spec.size() || spec[colon + 1] != '/')
        return "-m wants NAME:MOUNTPOINT (an absolute path), not '" + spec + "'";
    Mount m { spec.substr(0, colon), spec.substr(colon + 1) };
    bool known = false;
    for (const Disk& d : o.disks)
        known = known || d.key == m.key;
    if (!known)
        return "-m " + spec + ": no disk called '" + m.key + "' (give it with -d)";
    o.mounts.push_back(m);
    return "";
}

int serve_with(const ServerArgs& a)
{
    ServerOptions o;
    o.listen = a.listen;
    o.token_file = a.token_file;
    o.insecure = a.insecure;
    o.foreground = a.foreground;
    if (a.max_connections)
        o.max_connections = a.max_connections;
    o.config = "mem=64";
    for (const auto& w : a.config_words)
        o.config += " " + w;
    for (const auto& spec : a.disks)
        if (std::string problem = parse_disk(spec, o); !problem.empty())
            return error(problem);
    for (const auto& spec : a.mounts)
        if (std::string problem = parse_mount(spec, o); !problem.empty())
            return error(problem);
    tools::NetworkOptions net(tools::NetworkOptions::Target::Hosted);
    std::string problem;
    for (const auto& [flag, spec] : a.network)
        if (problem.empty())
            problem = flag == 'n' ? net.add_n(spec) : flag == 'I' ? net.add_interface(spec)
                    : flag == 'W' ? net.add_config(spec) : net.add_forward(spec);
    if (problem.empty())
        problem = net.finish();
    if (!problem.empty())
        return error(problem);
    if (!net.empty()) {
        o.interfaces = net.netdevs();
        o.config += " husk.json={\"net\":" + net.json() + "}";
    }
    return serve(o);
}
} // namespace

tools::Runner declare_server(CLI::App& app)
{
    auto a = std::make_shared<ServerArgs>();
    tools::describe(app, 
        "Starts a Husk kernel in its own process and serves remote clients (husk ctl, libhusk-hijack.so):\n"
        "rump_server's job. It detaches and prints where it listens unless --foreground; husk ctl\n"
        "halt, SIGTERM or SIGINT sync and unmount every file system, then stop it.");
    tools::repeatable(app.add_option("-d,--disk", a->disks, "attach host FILE as disk NAME (ro: read-only, size=: FILE is created, or grown, to that size)")
        ->type_name("key=NAME,hostpath=FILE[,size=N[KMG]][,ro]"));
    tools::repeatable(app.add_option("-m,--mount", a->mounts, "mount disk NAME at MOUNTPOINT: ext2/3/4, or ISO 9660 (read-only), as its contents say")->type_name("NAME:MOUNTPOINT"));
    auto* n = tools::repeatable(app.add_option("-n", a->n, "a user-mode network interface (libslirp, 10.0.2.0/24) with this configuration")
        ->type_name("inet,static,ADDR/PFX[,GW]|inet,dhcp|inet6,auto"));
    auto* I = tools::repeatable(app.add_option("-I", a->interfaces,
                   "an interface of a kind: cable,path=DIR (a segment shared with other hosted kernels), "
                   "tap,ifname=NAME (root), user[,hostfwd=...]")
        ->type_name("TAG,cable|tap|user[,OPTIONS]"));
    auto* W = tools::repeatable(app.add_option("-W", a->configs, "configure the -I interface TAG")->type_name("TAG,inet,...|TAG,inet6,auto"));
    auto* P = tools::repeatable(app.add_option("-P", a->forwards, "forward a host loopback port to the kernel")->type_name("[tcp:|udp:]HOSTPORT:PORT"));
    app.add_option("--listen", a->listen,
                   "where clients connect (default unix:husk.sock, mode 0600: only you connect); tcp:HOST:PORT "
                   "(PORT 0: any free one) admits clients that present the server's token")
        ->type_name("unix:PATH|tcp:HOST:PORT")
        ->check(CLI::Validator(
            [](std::string& v) {
                Address address;
                return parse_address(v, address, true);
            },
            "", ""));
    app.add_option("--token-file", a->token_file, "where a tcp server writes its token (default $XDG_RUNTIME_DIR/husk/tcp-HOST-PORT.token)")
        ->type_name("PATH");
    app.add_flag("--insecure", a->insecure, "admit anyone who can connect over tcp (dangerous: docs/security.md)");
    app.add_option("--max-connections", a->max_connections, "at most N connections at once (4096)")
        ->type_name("N")->check(tools::whole_number("a number", 1, 999999));
    app.add_flag("--foreground", a->foreground, "stay in the foreground");
    tools::repeatable(app.add_option("--config", a->config_words, "kernel configuration words (docs/configuration.md)")->type_name("WORDS"));
    app.callback([a, n, I, W, P, &app] {
        std::map<const CLI::Option*, size_t> taken;
        for (const CLI::Option* o : app.parse_order()) {
            char flag = o == n ? 'n' : o == I ? 'I' : o == W ? 'W' : o == P ? 'P' : 0;
            if (flag)
                a->network.emplace_back(flag, o->results()[taken[o]++]);
        }
    });
    return [a] { return serve_with(*a); };
}

} // namespace husk::remote
