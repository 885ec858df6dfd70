// husk ctl ls [-a] [-l] [-d]: coreutils' ls in the C locale, its long format
// included (owner and group names from the host's user database, as ls on
// the host would show the same ids; the date as ls shows it: time of day
// within six months, else the year).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <grp.h>
#include <pwd.h>
#include "CtlCommands.h"

namespace husk::remote::ctl {

namespace {
struct Row {
    std::string mode, links, user, group, size, date, name;
};

std::string mode_string(mode_t m)
{
    const char* types = "?pc?d?b?-?l?s???";
    std::string s(1, types[(m >> 12) & 15]);
    const char* rwx = "rwxrwxrwx";
    for (int b = 8; b >= 0; --b)
        s += (m & (1u << b)) ? rwx[8 - b] : '-';
    if (m & S_ISUID)
        s[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID)
        s[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & S_ISVTX)
        s[9] = (m & S_IXOTH) ? 't' : 'T';
    return s;
}

std::string user_name(uid_t id)
{
    const passwd* p = getpwuid(id);
    return p ? p->pw_name : std::to_string(id);
}

std::string group_name(gid_t id)
{
    const group* g = getgrgid(id);
    return g ? g->gr_name : std::to_string(id);
}

// ls's rule: recent means within the last six months (and not in the future).
std::string date_string(time_t when)
{
    time_t now = std::time(nullptr);
    constexpr time_t kSixMonths = (365 * 24 * 3600 + 6 * 3600) / 2;
    bool recent = when <= now && now - when < kSixMonths;
    char buf[64];
    std::tm tm {};
    localtime_r(&when, &tm);
    std::strftime(buf, sizeof buf, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
    return buf;
}

Row long_row(Kernel& k, const std::string& path, const std::string& shown, const struct stat& st)
{
    Row r { mode_string(st.st_mode), std::to_string(st.st_nlink), user_name(st.st_uid), group_name(st.st_gid),
            std::to_string(st.st_size), date_string(st.st_mtime), shown };
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        long n = k.readlink(path, target, sizeof target);
        if (n >= 0)
            r.name += " -> " + std::string(target, size_t(n));
    }
    return r;
}

void print_rows(const std::vector<Row>& rows)
{
    size_t links = 0, user = 0, group = 0, size = 0;
    for (const Row& r : rows) {
        links = std::max(links, r.links.size());
        user = std::max(user, r.user.size());
        group = std::max(group, r.group.size());
        size = std::max(size, r.size.size());
    }
    for (const Row& r : rows)
        std::printf("%s %*s %-*s %-*s %*s %s %s\n", r.mode.c_str(), int(links), r.links.c_str(), int(user), r.user.c_str(),
                    int(group), r.group.c_str(), int(size), r.size.c_str(), r.date.c_str(), r.name.c_str());
}
} // namespace

int cmd_ls(Kernel& k, const ListOptions& options, std::vector<std::string> paths)
{
    bool all = options.all, longf = options.long_format, dirs_as_files = options.directories_as_files;
    if (paths.empty())
        paths.push_back("/");
    int status = 0;
    // As ls: files named on the command line first, then each directory.
    std::vector<std::string> files, dirs;
    for (const auto& p : paths) {
        struct stat st;
        if (long r = k.stat(p, &st, true); r < 0) {
            status = complain("cannot access '" + p + "'", r);
            continue;
        }
        (S_ISDIR(st.st_mode) && !dirs_as_files ? dirs : files).push_back(p);
    }
    std::sort(files.begin(), files.end());
    std::sort(dirs.begin(), dirs.end());
    std::vector<Row> rows;
    for (const auto& f : files) {
        struct stat st;
        if (!longf)
            std::printf("%s\n", f.c_str());
        else if (k.stat(f, &st) == 0)
            rows.push_back(long_row(k, f, f, st));
    }
    print_rows(rows);
    bool headers = paths.size() > 1;
    bool first = files.empty();
    for (const auto& d : dirs) {
        std::vector<std::string> names;
        if (long r = list(k, d, names); r < 0) {
            status = complain("cannot open directory '" + d + "'", r);
            continue;
        }
        if (headers)
            std::printf("%s%s:\n", first ? "" : "\n", d.c_str());
        first = false;
        rows.clear();
        long long blocks = 0;
        for (auto& n : names) {
            if (!all && n[0] == '.')
                continue;
            if (!longf) {
                std::printf("%s\n", n.c_str());
                continue;
            }
            std::string full = d + "/" + n;
            struct stat st;
            if (long r = k.stat(full, &st); r < 0) {
                status = complain("cannot access '" + full + "'", r);
                continue;
            }
            blocks += st.st_blocks;
            rows.push_back(long_row(k, full, n, st));
        }
        if (longf) {
            std::printf("total %lld\n", (blocks + 1) / 2); // 512-byte blocks shown as KiB, rounded up
            print_rows(rows);
        }
    }
    return status;
}

} // namespace husk::remote::ctl
