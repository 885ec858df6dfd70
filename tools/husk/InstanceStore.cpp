#include "InstanceStore.h"
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

namespace husk::tools {

namespace {
// A value on one line: backslashes and newlines escaped.
std::string escape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string unescape(const std::string& s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            ++i;
            out += s[i] == 'n' ? '\n' : s[i];
        } else {
            out += s[i];
        }
    }
    return out;
}

uint64_t random_number()
{
    uint64_t n = 0;
    if (getrandom(&n, sizeof n, 0) != sizeof n)
        n = uint64_t(time(nullptr)) * 6364136223846793005ull + uint64_t(getpid());
    return n;
}
} // namespace

std::string state_root()
{
    if (const char* dir = std::getenv("HUSK_STATE_DIR"); dir && *dir)
        return dir;
    if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir && *dir)
        return std::string(dir) + "/husk";
    if (geteuid() == 0)
        return "/run/husk";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.local/state/husk";
}

bool valid_instance_name(const std::string& name)
{
    if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

std::string generate_instance_name()
{
    static const char* const adjectives[] = { "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly",
                                              "keen", "lucid", "merry", "nifty", "proud", "quiet", "sharp",
                                              "swift", "tender", "vivid", "witty", "bold", "clever" };
    static const char* const nouns[] = { "turing", "hopper", "lovelace", "knuth", "ritchie", "thompson", "dijkstra",
                                         "lamport", "liskov", "hamilton", "babbage", "shannon", "backus", "mccarthy",
                                         "kernighan", "cerf", "allen", "goldberg", "wirth", "hoare" };
    std::string root = state_root();
    for (int attempt = 0; attempt < 50; ++attempt) {
        uint64_t r = random_number();
        std::string name = std::string(adjectives[r % std::size(adjectives)]) + "_" + nouns[(r >> 16) % std::size(nouns)];
        if (access((root + "/" + name).c_str(), F_OK) != 0)
            return name;
    }
    char name[16];
    std::snprintf(name, sizeof name, "husk-%04x", unsigned(random_number() & 0xffff));
    return name;
}

std::string generate_instance_id()
{
    std::string id;
    for (int i = 0; i < 4; ++i) {
        char part[17];
        std::snprintf(part, sizeof part, "%016llx", (unsigned long long)random_number());
        id += part;
    }
    return id;
}

bool write_record(const std::string& dir, const InstanceRecord& r)
{
    std::ostringstream out;
    out << "name " << escape(r.name) << "\nid " << r.id << "\npid " << r.pid << "\nimage " << escape(r.image)
        << "\ncreated " << r.created << "\nauto_remove " << (r.auto_remove ? 1 : 0) << "\nstop_timeout " << r.stop_timeout_s << "\n";
    for (const auto& a : r.command)
        out << "arg " << escape(a) << "\n";
    for (const auto& p : r.ports)
        out << "port " << escape(p) << "\n";
    for (const auto& d : r.disks)
        out << "disk " << escape(d) << "\n";
    if (r.finished)
        out << "exit_status " << r.exit_status << "\nfinished " << r.finished_at << "\n";
    std::string tmp = dir + "/instance.new", path = dir + "/instance";
    {
        std::ofstream file(tmp, std::ios::trunc);
        file << out.str();
        file.flush();
        if (!file)
            return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::optional<InstanceRecord> read_record(const std::string& dir)
{
    std::ifstream file(dir + "/instance");
    if (!file)
        return std::nullopt;
    InstanceRecord r;
    for (std::string line; std::getline(file, line);) {
        size_t space = line.find(' ');
        std::string key = line.substr(0, space), value = space == std::string::npos ? "" : unescape(line.substr(space + 1));
        if (key == "name")
            r.name = value;
        else if (key == "id")
            r.id = value;
        else if (key == "pid")
            r.pid = std::atol(value.c_str());
        else if (key == "image")
            r.image = value;
        else if (key == "created")
            r.created = std::atoll(value.c_str());
        else if (key == "auto_remove")
            r.auto_remove = value == "1";
        else if (key == "stop_timeout")
            r.stop_timeout_s = std::atof(value.c_str());
        else if (key == "arg")
            r.command.push_back(value);
        else if (key == "port")
            r.ports.push_back(value);
        else if (key == "disk")
            r.disks.push_back(value);
        else if (key == "exit_status")
            r.finished = true, r.exit_status = std::atoi(value.c_str());
        else if (key == "finished")
            r.finished_at = std::atoll(value.c_str());
    }
    if (r.name.empty())
        return std::nullopt;
    return r;
}

bool supervisor_alive(const std::string& dir)
{
    int fd = open((dir + "/lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd); // lets go of the shared lock, if it got one
    return held;
}

std::vector<Instance> list_instances()
{
    std::vector<Instance> all;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(state_root(), ec)) {
        if (!entry.is_directory(ec))
            continue;
        std::string dir = entry.path().string();
        bool running = supervisor_alive(dir); // before the record: one that ends meanwhile reads as exited
        auto record = read_record(dir);
        if (!record)
            continue; // being made or removed
        if (record->finished)
            running = false;
        all.push_back({ dir, *record, running });
    }
    std::sort(all.begin(), all.end(), [](const Instance& a, const Instance& b) {
        return a.record.created != b.record.created ? a.record.created > b.record.created : a.record.name < b.record.name;
    });
    return all;
}

std::optional<Instance> find_instance(const std::string& name_or_id)
{
    if (name_or_id.empty())
        return std::nullopt;
    std::optional<Instance> by_id;
    int matches = 0;
    for (auto& i : list_instances()) {
        if (i.record.name == name_or_id)
            return i;
        if (i.record.id.rfind(name_or_id, 0) == 0) {
            by_id = i;
            ++matches;
        }
    }
    if (matches == 1)
        return by_id;
    return std::nullopt;
}

std::string status_word(const Instance& i)
{
    if (i.running)
        return "running";
    if (!i.record.finished)
        return "exited (unknown)";
    return "exited (" + std::to_string(i.record.exit_status) + ")";
}

std::string human_duration(int64_t s)
{
    auto unit = [](int64_t n, const char* name) { return std::to_string(n) + " " + name + (n == 1 ? "" : "s"); };
    if (s < 0)
        s = 0;
    if (s < 60)
        return unit(s, "second");
    if (s < 3600)
        return unit(s / 60, "minute");
    if (s < 48 * 3600)
        return unit(s / 3600, "hour");
    return unit(s / 86400, "day");
}

std::string iso_time(int64_t seconds)
{
    time_t t = time_t(seconds);
    tm utc;
    gmtime_r(&t, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace husk::tools
