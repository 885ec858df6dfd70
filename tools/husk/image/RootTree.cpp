#include "RootTree.h"
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>
#include "ChildProcess.h"

namespace husk::tools::image {

namespace fs = std::filesystem;

StagingDir::~StagingDir()
{
    if (m_path.empty() || std::getenv("HUSK_IMAGE_KEEP_STAGING")) // for debugging
        return;
    std::error_code ec;
    // Packages may ship read-only directories: make them writable to empty them.
    for (auto it = fs::recursive_directory_iterator(m_path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(m_path, ec);
}

Failure StagingDir::create(const char* prefix, const std::string& where)
{
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = !where.empty() ? where : tmp && *tmp ? tmp : "/tmp";
    std::string pattern = dir + "/" + prefix + "XXXXXX";
    if (!mkdtemp(pattern.data()))
        return Failure::other("cannot create a directory " + pattern + ": " + std::strerror(errno));
    m_path = pattern;
    return Failure::none();
}

Failure choose_file_tools(const std::string& state_file, bool verbose, FileTools& tools)
{
    tools.options.echo = verbose;
    if (geteuid() == 0)
        return Failure::none();
    std::ofstream(state_file).flush();
    auto probe = run_child({ "fakeroot", "-i", state_file, "-s", state_file, "--", "true" });
    if (!probe.ok()) {
        std::fprintf(stderr, "husk image: warning: no fakeroot (%s): the image's files will belong to uid %d, not root\n",
                     probe.status < 0 ? probe.start_error.c_str() : last_line(probe.output).c_str(), int(geteuid()));
        return Failure::none();
    }
    tools.options.prefix = { "fakeroot", "-i", state_file, "-s", state_file, "--" };
    tools.fake_root = true;
    return Failure::none();
}

Failure own_by_root(const std::vector<std::string>& paths, const FileTools& tools)
{
    if (!tools.fake_root || paths.empty())
        return Failure::none();
    std::vector<std::string> argv = { "chown", "-h", "0:0", "--" };
    argv.insert(argv.end(), paths.begin(), paths.end());
    auto r = run_child(argv, tools.options);
    return r.ok() ? Failure::none() : Failure::other("chown under fakeroot failed: " + last_line(r.output) + r.start_error);
}

Failure unpack_packages(const std::vector<DebPackage>& packages, const std::string& root, const FileTools& tools)
{
    for (auto& p : packages) {
        std::vector<std::string> argv = { "dpkg-deb", "--extract", p.file, root };
        auto r = run_child(argv, tools.options);
        if (r.status < 0)
            return Failure::other("cannot run dpkg-deb: " + r.start_error + " (install dpkg)");
        if (!r.ok())
            return Failure::other("dpkg-deb could not unpack " + p.file + ": " + last_line(r.output));
    }
    return Failure::none();
}

namespace {

// Moves everything under from/ into to/, directories merged; where both
// have a file, /usr's stays (Debian's usrmerge keeps the /usr copy too).
// What is left of from/ goes to `trash`, not away: under fakeroot, a freed
// inode number taken by a new file would bring the old file's faked mode
// with it (a symbolic link that lstat calls a directory).
Failure move_into(const fs::path& from, const fs::path& to, const fs::path& trash)
{
    std::error_code ec;
    if (!fs::exists(to, ec)) {
        fs::create_directories(to.parent_path(), ec);
        fs::rename(from, to, ec);
        return ec ? Failure::other("cannot move " + from.string() + " to " + to.string() + ": " + ec.message()) : Failure::none();
    }
    for (auto& e : fs::directory_iterator(from, ec)) {
        fs::path target = to / e.path().filename();
        if (fs::is_directory(fs::symlink_status(e.path())) && fs::is_directory(fs::symlink_status(target))) {
            if (Failure f = move_into(e.path(), target, trash))
                return f;
        } else if (!fs::exists(fs::symlink_status(target))) {
            fs::rename(e.path(), target, ec);
            if (ec)
                return Failure::other("cannot move " + e.path().string() + ": " + ec.message());
        }
    }
    if (fs::exists(from, ec)) {
        fs::create_directories(trash, ec);
        fs::rename(from, trash / std::to_string(std::distance(fs::directory_iterator(trash, ec), fs::directory_iterator())), ec);
        if (ec)
            return Failure::other("cannot move " + from.string() + " aside: " + ec.message());
    }
    return Failure::none();
}

Failure write_if_absent(const std::string& path, const std::string& text, fs::perms mode, bool& made)
{
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec)))
        return Failure::none();
    made = true;
    std::ofstream out(path);
    out << text;
    if (!out)
        return Failure::other("cannot write " + path);
    out.close();
    fs::permissions(path, mode, ec);
    return Failure::none();
}

// base-passwd's passwd.master and group.master (Debian 12): the accounts
// and groups programs look up (nginx: nobody/nogroup, www-data; dnsmasq:
// nobody/dip).
constexpr const char* kPasswd = "root:x:0:0:root:/root:/bin/sh\n"
                                "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                                "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
                                "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
                                "sync:x:4:65534:sync:/bin:/bin/sync\n"
                                "games:x:5:60:games:/usr/games:/usr/sbin/nologin\n"
                                "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
                                "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"
                                "mail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n"
                                "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\n"
                                "uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n"
                                "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\n"
                                "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
                                "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n"
                                "list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"
                                "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n"
                                "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"
                                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
constexpr const char* kGroup = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\n"
                               "mail:x:8:\nnews:x:9:\nuucp:x:10:\nman:x:12:\nproxy:x:13:\nkmem:x:15:\n"
                               "dialout:x:20:\nfax:x:21:\nvoice:x:22:\ncdrom:x:24:\nfloppy:x:25:\ntape:x:26:\n"
                               "sudo:x:27:\naudio:x:29:\ndip:x:30:\nwww-data:x:33:\nbackup:x:34:\noperator:x:37:\n"
                               "list:x:38:\nirc:x:39:\nsrc:x:40:\nshadow:x:42:\nutmp:x:43:\nvideo:x:44:\n"
                               "sasl:x:45:\nplugdev:x:46:\nstaff:x:50:\ngames:x:60:\nusers:x:100:\nnogroup:x:65534:\n";
constexpr const char* kNsswitch = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n"
                                  "networks: files\nprotocols: files\nservices: files\n";

} // namespace

Failure merge_usr(const std::string& root, const std::string& trash, std::vector<std::string>& created)
{
    std::error_code ec;
    for (const char* dir : { "bin", "sbin", "lib", "lib64", "lib32", "libx32" }) {
        fs::path top = fs::path(root) / dir, usr = fs::path(root) / "usr" / dir;
        auto st = fs::symlink_status(top, ec);
        bool needed = std::strcmp(dir, "lib32") != 0 && std::strcmp(dir, "libx32") != 0;
        if (fs::is_symlink(st))
            continue;
        if (fs::is_directory(st)) {
            if (Failure f = move_into(top, usr, trash))
                return f;
        } else if (!needed && !fs::exists(usr, ec)) {
            continue;
        }
        if (!fs::exists(usr, ec)) {
            fs::create_directories(usr, ec);
            created.push_back(usr.string());
        }
        fs::create_directory_symlink(std::string("usr/") + dir, top, ec);
        created.push_back(top.string());
        if (ec)
            return Failure::other("cannot link /" + std::string(dir) + " to usr/" + dir + ": " + ec.message());
    }
    return Failure::none();
}

Failure add_system_files(const std::string& root, std::vector<std::string>& created)
{
    std::error_code ec;
    using fs::perms;
    struct Dir {
        const char* name;
        perms mode;
    };
    const perms normal = perms::owner_all | perms::group_read | perms::group_exec | perms::others_read | perms::others_exec;
    const perms sticky = perms::all | perms::sticky_bit;
    for (Dir d : { Dir { "etc", normal }, { "dev", normal }, { "proc", normal }, { "sys", normal }, { "run", normal },
                   { "tmp", sticky }, { "var", normal }, { "var/tmp", sticky }, { "root", perms::owner_all },
                   { "home", normal }, { "mnt", normal } }) {
        fs::path p = fs::path(root) / d.name;
        if (fs::exists(fs::symlink_status(p, ec)))
            continue;
        fs::create_directory(p, ec);
        fs::permissions(p, d.mode, ec);
        created.push_back(p.string());
        if (ec)
            return Failure::other("cannot create " + p.string() + ": " + ec.message());
    }
    const perms readable = perms::owner_read | perms::owner_write | perms::group_read | perms::others_read;
    for (auto [name, text] : { std::pair { "/etc/passwd", kPasswd }, { "/etc/group", kGroup }, { "/etc/nsswitch.conf", kNsswitch } }) {
        bool made = false;
        if (Failure f = write_if_absent(root + name, text, readable, made))
            return f;
        if (made)
            created.push_back(root + name);
    }
    return Failure::none();
}

} // namespace husk::tools::image
