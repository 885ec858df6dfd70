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
#include <map>
#include <memory>

namespace husk::remote::ctl {

namespace {
std::string g_command; // for messages: "husk ctl: CMD: ..."
} // namespace

int complain(const std::string& what, long error)
{
    std::fprintf(stderr, "husk ctl: %s: %s: %s\n", g_command.c_str(), what.c_str(), std::strerror(int(-error)));
    return 1;
}

namespace {
// mount without -t, as mount(8) without a type: the disk's contents decide.
// The client cannot read the server's disk, so it tries each type Husk
// mounts from a disk, as mount(8) does when blkid cannot tell: ISO 9660
// (read-only; EINVAL: no CD001 at sector 16), then ext2/3/4, read-only when
// Husk cannot write its features (EROFS), as mount(8)'s "write-protected".
int mount_by_content(Kernel& k, const std::string& dev, const std::string& dir, unsigned long flags)
{
    long r = k.mount(dev, dir, "iso9660", flags | MS_RDONLY);
    if (r != -EINVAL)
        return r < 0 ? complain(dir, r) : 0;
    r = k.mount(dev, dir, "ext2", flags);
    if (r == -EROFS && !(flags & MS_RDONLY)) {
        r = k.mount(dev, dir, "ext2", flags | MS_RDONLY);
        if (r == 0)
            std::fprintf(stderr, "husk ctl: mount: %s: %s is write-protected (ext4 features), mounted read-only\n", dir.c_str(),
                         dev.c_str());
    }
    if (r == -EINVAL) {
        std::fprintf(stderr, "husk ctl: mount: %s: %s holds no ext2/3/4 or ISO 9660 file system (husk ctl dmesg tells more)\n",
                     dir.c_str(), dev.c_str());
        return 1;
    }
    return r < 0 ? complain(dir, r) : 0;
}
} // namespace

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

int cmd_mkdir(Kernel& k, bool parents, const std::vector<std::string>& dirs)
{
    int status = 0;
    for (const auto& a : dirs) {
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

int cmd_rm(Kernel& k, bool recursive, bool force, const std::vector<std::string>& paths)
{
    int status = 0;
    for (const auto& a : paths) {
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

int cmd_find(Kernel& k, const std::vector<std::string>& args)
{
    int status = 0;
    for (const auto& p : args.empty() ? std::vector<std::string> { "/" } : args)
        if (long r = walk(k, p, [](const std::string& path, const struct stat&) { std::printf("%s\n", path.c_str()); }); r < 0)
            status = complain("'" + p + "'", r);
    return status;
}

int cmd_du(Kernel& k, bool summary, std::vector<std::string> paths)
{
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

int cmd_touch(Kernel& k, const std::vector<std::string>& args)
{
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

int cmd_chmod(Kernel& k, const std::string& mode_text, const std::vector<std::string>& paths)
{
    int status = 0;
    int mode = int(std::strtol(mode_text.c_str(), nullptr, 8));
    for (const auto& p : paths)
        if (long r = k.chmod(p, mode); r < 0)
            status = complain("cannot access '" + p + "'", r);
    return status;
}

int cmd_dmesg(Kernel& k)
{
    std::vector<char> buf(1 << 20);
    long n = k.syslog(buf.data(), buf.size());
    if (n < 0)
        return complain("read kernel buffer failed", n);
    std::fwrite(buf.data(), 1, size_t(n), stdout);
    return 0;
}

int cmd_sysinfo(Kernel& k)
{
    struct sysinfo info;
    long r = k.sysinfo(&info);
    if (r < 0)
        return complain("sysinfo", r);
    std::printf("uptime: %ld s\nmemory: %lu KiB total, %lu KiB free\nprocesses: %u\n", info.uptime,
                (unsigned long)(info.totalram * info.mem_unit / 1024), (unsigned long)(info.freeram * info.mem_unit / 1024),
                unsigned(info.procs));
    return 0;
}

// ---- The commands' command lines: one table, for husk ctl and its shell.

using CtlRunner = std::function<int(Kernel&)>;
struct CtlCommand {
    const char* name;
    const char* summary;
    CtlRunner (*declare)(CLI::App& app);
};

// The operands of a command (PATH..., SRC DST): their name, how many.
std::shared_ptr<std::vector<std::string>> operands(CLI::App& app, const char* name, int min, int max, const char* what)
{
    auto words = std::make_shared<std::vector<std::string>>();
    auto* o = app.add_option(name, *words, what);
    if (min == max)
        o->expected(min);
    else
        o->expected(min, max < 0 ? CLI::detail::expected_max_vector_size : max);
    if (min > 0)
        o->required();
    return words;
}

using WordsCommand = int (*)(Kernel&, const std::vector<std::string>&);
CtlRunner on_words(CLI::App& app, const char* name, int min, int max, const char* what, WordsCommand f)
{
    auto w = operands(app, name, min, max, what);
    return [w, f](Kernel& k) { return f(k, *w); };
}

const std::vector<CtlCommand>& ctl_commands()
{
    static const std::vector<CtlCommand> table = {
        { "ls", "list directories as coreutils' ls does (-l: its long format)",
          [](CLI::App& app) -> CtlRunner {
              auto o = std::make_shared<ListOptions>();
              app.add_flag("-a,--all", o->all, "include names starting with '.'");
              app.add_flag("-l", o->long_format, "the long format");
              app.add_flag("-d,--directory", o->directories_as_files, "list directories themselves, not their contents");
              auto paths = operands(app, "PATH", 0, -1, "what to list (default /)");
              return [o, paths](Kernel& k) { return cmd_ls(k, *o, *paths); };
          } },
        { "cat", "print files", [](CLI::App& app) { return on_words(app, "FILE", 1, -1, "files of the server", cmd_cat); } },
        { "cp", "copy a file (host:PATH is the host's)",
          [](CLI::App& app) { return on_words(app, "SRC DST", 2, 2, "source and destination", cmd_cp); } },
        { "dd", "copy and convert as coreutils' dd (if= of= are the server's files, host:PATH the host's)",
          [](CLI::App& app) -> CtlRunner {
              tools::describe(app, "usage: husk ctl dd [if=FILE] [of=FILE] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N] "
                                   "[conv=notrunc,fsync] [status=none|noxfer|progress]");
              auto words = operands(app, "OPERAND", 0, -1, "KEY=VALUE; sizes take dd's suffixes (k K M G kB MB ... xN)");
              app.get_option("OPERAND")->check(CLI::Validator(dd_operand_problem, "", ""));
              return [words](Kernel& k) { return cmd_dd(k, *words); };
          } },
        { "mkdir", "make directories",
          [](CLI::App& app) -> CtlRunner {
              auto parents = std::make_shared<bool>(false);
              app.add_flag("-p,--parents", *parents, "make parents as needed, no error if existing");
              auto dirs = operands(app, "DIR", 1, -1, "directories to make");
              return [parents, dirs](Kernel& k) { return cmd_mkdir(k, *parents, *dirs); };
          } },
        { "rm", "remove files (-r: directories and what they hold)",
          [](CLI::App& app) -> CtlRunner {
              auto recursive = std::make_shared<bool>(false), force = std::make_shared<bool>(false);
              app.add_flag("-r,-R,--recursive", *recursive, "remove directories and their contents");
              app.add_flag("-f,--force", *force, "ignore missing files");
              auto paths = operands(app, "PATH", 1, -1, "what to remove");
              return [recursive, force, paths](Kernel& k) { return cmd_rm(k, *recursive, *force, *paths); };
          } },
        { "mv", "rename", [](CLI::App& app) -> CtlRunner {
              auto w = operands(app, "SRC DST", 2, 2, "old and new name");
              return [w](Kernel& k) {
                  long r = k.rename((*w)[0], (*w)[1]);
                  return r < 0 ? complain("cannot move '" + (*w)[0] + "' to '" + (*w)[1] + "'", r) : 0;
              };
          } },
        { "ln", "make a hard link (-s: a symbolic link)", [](CLI::App& app) -> CtlRunner {
              auto symbolic = std::make_shared<bool>(false);
              app.add_flag("-s,--symbolic", *symbolic, "a symbolic link");
              auto w = operands(app, "TARGET NAME", 2, 2, "what to link to, and the new name");
              return [symbolic, w](Kernel& k) {
                  long r = *symbolic ? k.symlink((*w)[0], (*w)[1]) : k.link((*w)[0], (*w)[1]);
                  return r < 0 ? complain("failed to create link '" + (*w)[1] + "'", r) : 0;
              };
          } },
        { "stat", "size, blocks, links, mode, owner and inode of files",
          [](CLI::App& app) { return on_words(app, "PATH", 1, -1, "files", cmd_stat); } },
        { "df", "file system usage", [](CLI::App& app) { return on_words(app, "PATH", 0, -1, "mounted paths (default /)", cmd_df); } },
        { "du", "disk usage (-s: a total each)", [](CLI::App& app) -> CtlRunner {
              auto summary = std::make_shared<bool>(false);
              app.add_flag("-s,--summarize", *summary, "a total for each PATH only");
              auto paths = operands(app, "PATH", 0, -1, "default /");
              return [summary, paths](Kernel& k) { return cmd_du(k, *summary, *paths); };
          } },
        { "find", "every path below", [](CLI::App& app) { return on_words(app, "PATH", 0, -1, "default /", cmd_find); } },
        { "touch", "create files or update their times", [](CLI::App& app) { return on_words(app, "FILE", 1, -1, "files", cmd_touch); } },
        { "chmod", "change modes (octal)", [](CLI::App& app) -> CtlRunner {
              auto mode = std::make_shared<std::string>();
              app.add_option("MODE", *mode, "octal, e.g. 644")->required()->check(CLI::Validator(
                  [](std::string& v) -> std::string {
                      return !v.empty() && v.size() <= 4 && v.find_first_not_of("01234567") == std::string::npos
                                 ? "" : "wants an octal mode, not '" + v + "'";
                  }, "", ""));
              auto paths = operands(app, "PATH", 1, -1, "files");
              return [mode, paths](Kernel& k) { return cmd_chmod(k, *mode, *paths); };
          } },
        { "mount", "mount a disk of the server", [](CLI::App& app) -> CtlRunner {
              auto type = std::make_shared<std::string>(), opts = std::make_shared<std::string>();
              app.add_option("-t,--types", *type, "the file system type (default: by the disk's contents, iso9660 or ext2)")
                  ->type_name("TYPE");
              app.add_option("-o,--options", *opts, "ro: read-only")->type_name("OPTIONS")->check(CLI::IsMember({ "ro", "rw" }));
              auto w = operands(app, "DEV DIR", 2, 2, "the disk's name and the mount point");
              return [type, opts, w](Kernel& k) {
                  unsigned long flags = *opts == "ro" ? MS_RDONLY : 0;
                  if (type->empty())
                      return mount_by_content(k, (*w)[0], (*w)[1], flags);
                  long r = k.mount((*w)[0], (*w)[1], *type, flags);
                  return r < 0 ? complain((*w)[1], r) : 0;
              };
          } },
        { "umount", "unmount", [](CLI::App& app) -> CtlRunner {
              auto w = operands(app, "DIR", 1, 1, "the mount point");
              return [w](Kernel& k) {
                  long r = k.umount((*w)[0]);
                  return r < 0 ? complain((*w)[0], r) : 0;
              };
          } },
        { "ifconfig", "show or change network interfaces, as net-tools' ifconfig", [](CLI::App& app) -> CtlRunner {
              tools::describe(app, std::string("usage: ") + "husk ctl ifconfig [-a] | IFACE | IFACE [ADDR] [netmask MASK] [up|down]");
              auto all = std::make_shared<bool>(false);
              app.add_flag("-a", *all, "every interface (the default)");
              auto w = operands(app, "WORDS", 0, -1, "IFACE [ADDR] [netmask MASK] [up|down]");
              return [all, w](Kernel& k) { return cmd_ifconfig(k, *w); }; // all: the flag's storage lives on
          } },
        { "route", "show or change routes, as net-tools' route", [](CLI::App& app) -> CtlRunner {
              tools::describe(app, std::string("usage: ") + "husk ctl route [-n] | route add default gw ADDR | route del default");
              auto numeric = std::make_shared<bool>(false);
              app.add_flag("-n", *numeric, "numeric addresses (always)");
              auto w = operands(app, "WORDS", 0, -1, "add default gw ADDR | del default");
              return [numeric, w](Kernel& k) { return cmd_route(k, *w); }; // numeric: the flag's storage lives on
          } },
        { "sysinfo", "uptime, memory, processes", [](CLI::App&) -> CtlRunner { return cmd_sysinfo; } },
        { "dmesg", "the kernel's log", [](CLI::App&) -> CtlRunner { return cmd_dmesg; } },
        { "sync", "write every dirty block", [](CLI::App&) -> CtlRunner { return [](Kernel& k) { return k.sync() < 0 ? 1 : 0; }; } },
        { "halt", "sync, unmount, stop the server",
          [](CLI::App&) -> CtlRunner { return [](Kernel& k) { return k.halt() < 0 ? complain("halt", -EIO) : 0; }; } },
    };
    return table;
}

// One command line of the table on app (husk ctl, or a line of its shell):
// the chosen command's runner after parsing, or nullptr.
std::map<const CLI::App*, CtlRunner> declare_table(CLI::App& app)
{
    std::map<const CLI::App*, CtlRunner> runners;
    for (const CtlCommand& c : ctl_commands()) {
        CLI::App* sub = app.add_subcommand(c.name, c.summary);
        runners[sub] = c.declare(*sub);
    }
    return runners;
}

CtlRunner chosen(const std::map<const CLI::App*, CtlRunner>& runners, std::string& name)
{
    for (const auto& [sub, runner] : runners)
        if (sub->parsed()) {
            name = sub->get_name();
            return runner;
        }
    return nullptr;
}

// Commands read from standard input, one per line, on one connection; each
// line parsed as husk ctl's command line is.
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
        std::vector<std::string> names;
        for (const CtlCommand& c : ctl_commands())
            names.push_back(c.name);
        if (std::find(names.begin(), names.end(), words[0]) == names.end()) {
            std::string near = tools::closest(words[0], names);
            std::fprintf(stderr, "husk ctl: unknown command '%s'%s\n", words[0].c_str(),
                         near.empty() ? "" : (" (did you mean '" + near + "'?)").c_str());
            status = 2;
            continue;
        }
        CLI::App app("husk ctl shell", "husk ctl");
        app.require_subcommand(1, 1);
        auto runners = declare_table(app);
        std::reverse(words.begin(), words.end()); // CLI11 takes them last first
        try {
            app.parse(words);
        } catch (const CLI::CallForHelp&) {
            const CLI::App* at = &app;
            for (const CLI::App* sub : app.get_subcommands())
                at = sub;
            std::fputs(at->help().c_str(), stdout);
            continue;
        } catch (const CLI::ParseError& e) {
            std::fprintf(stderr, "husk ctl: %s\n", e.what());
            status = 2;
            continue;
        }
        std::string name;
        CtlRunner run = chosen(runners, name);
        g_command = name;
        status = run(k);
        std::fflush(stdout);
        if (name == "halt")
            break;
    }
    return status;
}
} // namespace

} // namespace husk::remote::ctl

namespace husk::remote {

using namespace ctl;

tools::Runner declare_ctl(CLI::App& app)
{
    struct Args {
        std::string server = std::getenv("HUSK_SERVER") ? std::getenv("HUSK_SERVER") : "";
        Client::Options options;
    };
    auto a = std::make_shared<Args>();
    tools::describe(app, "usage: husk ctl [--server unix:PATH|tcp:HOST:PORT] [--token-file PATH] [--timeout SECONDS] COMMAND [ARGS...]\n"
                         "Runs COMMAND against the kernel of a husk server (HUSK_SERVER by default), as NetBSD's\n"
                    "rumpctrl does. Over tcp, the server's token comes from --token-file, HUSK_TOKEN_FILE,\n"
                    "HUSK_TOKEN or the default file the server printed.");
    app.add_option("--server", a->server, "the server (default $HUSK_SERVER)")->type_name("unix:PATH|tcp:HOST:PORT");
    app.add_option("--token-file", a->options.token_file, "the tcp server's token")->type_name("PATH");
    app.add_option("--timeout", a->options.timeout, "how long to wait for an answer (30; 0: forever)")
        ->type_name("SECONDS")
        ->check(tools::whole_number("whole seconds", 0, 999999));
    app.require_subcommand(1, 1);
    auto runners = std::make_shared<std::map<const CLI::App*, CtlRunner>>(declare_table(app));
    CLI::App* shell = app.add_subcommand("shell", "commands from standard input, one per line, on one connection");
    return [a, runners, shell] {
        if (a->server.empty()) {
            std::fprintf(stderr, "husk ctl: no server: set HUSK_SERVER or give --server\n");
            return 2;
        }
        std::string name;
        CtlRunner run = chosen(*runners, name);
        Client client;
        if (std::string why = Client::connect(a->server, client, a->options); !why.empty()) {
            std::fprintf(stderr, "husk ctl: %s\n", why.c_str());
            return 1;
        }
        Kernel k(client);
        if (shell->parsed())
            return cmd_shell(k);
        g_command = name;
        return run(k);
    };
}

} // namespace husk::remote
