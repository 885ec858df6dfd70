#include "InstanceCommands.h"
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <unistd.h>
#include "InstanceStore.h"
#include "JsonText.h"
#include "Supervisor.h"

namespace husk::tools {

namespace {
// How long stop waits beyond its timeout for the supervisor to record the end.
constexpr double kRecordMarginS = 30;

const char* const kSignalNames[] = { "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
                                     "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
                                     "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS" };

// "HUP", "SIGHUP", "hup" or "1": 1..64; 0 when it names none.
int parse_signal(std::string text)
{
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        int n = text.size() <= 2 ? std::stoi(text) : 0;
        return n >= 1 && n <= 64 ? n : 0;
    }
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    if (text.rfind("SIG", 0) == 0)
        text = text.substr(3);
    for (size_t i = 0; i < std::size(kSignalNames); ++i)
        if (text == kSignalNames[i])
            return int(i) + 1;
    return 0;
}

CLI::Validator signal_spec()
{
    return CLI::Validator(
        [](std::string& v) -> std::string {
            return parse_signal(v) ? "" : "wants a signal name (HUP, SIGTERM) or number (1 to 64), not '" + v + "'";
        },
        "", "");
}

std::optional<Instance> find_or_say(const char* command, const std::string& name)
{
    auto instance = find_instance(name);
    if (!instance)
        std::fprintf(stderr, "husk %s: no such instance: %s\n", command, name.c_str());
    return instance;
}

std::string age(int64_t then) { return human_duration(int64_t(time(nullptr)) - then) + " ago"; }

// "8080:80" -> "127.0.0.1:8080->80/tcp", as docker ps shows them.
std::string port_text(std::string spec)
{
    std::string protocol = "tcp";
    if (spec.rfind("tcp:", 0) == 0 || spec.rfind("udp:", 0) == 0) {
        protocol = spec.substr(0, 3);
        spec = spec.substr(4);
    }
    size_t colon = spec.find(':');
    if (colon == std::string::npos)
        return spec;
    return "127.0.0.1:" + spec.substr(0, colon) + "->" + spec.substr(colon + 1) + "/" + protocol;
}

std::string command_text(const InstanceRecord& r)
{
    std::string text = r.image.substr(r.image.rfind('/') + 1);
    for (const auto& a : r.command)
        text += " " + a;
    return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

void print_table(const std::vector<std::vector<std::string>>& rows)
{
    std::vector<size_t> width;
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) {
            width.resize(std::max(width.size(), row.size()));
            width[i] = std::max(width[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i)
            line += i + 1 == row.size() ? row[i] : row[i] + std::string(width[i] - row[i].size() + 3, ' ');
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

// Waits up to seconds for the supervisor to let go of the lock.
bool wait_ended(const std::string& dir, double seconds)
{
    for (int i = 0; i < int(seconds * 10); ++i) {
        if (!supervisor_alive(dir))
            return true;
        usleep(100000);
    }
    return !supervisor_alive(dir);
}

std::string inspect_json(const Instance& i)
{
    const InstanceRecord& r = i.record;
    std::string status = i.running ? "running" : "exited";
    std::string exit_code = !i.running && r.finished ? std::to_string(r.exit_status) : "null";
    std::string j = "    {\n";
    j += "        \"Id\": " + json_string(r.id) + ",\n";
    j += "        \"Name\": " + json_string(r.name) + ",\n";
    j += "        \"Created\": " + json_string(iso_time(r.created)) + ",\n";
    j += "        \"Image\": " + json_string(r.image) + ",\n";
    j += "        \"Args\": " + json_strings(r.command) + ",\n";
    j += "        \"State\": {\n";
    j += "            \"Status\": " + json_string(status) + ",\n";
    j += "            \"Running\": " + std::string(i.running ? "true" : "false") + ",\n";
    j += "            \"Pid\": " + std::to_string(i.running ? r.pid : 0) + ",\n";
    j += "            \"ExitCode\": " + exit_code + ",\n";
    j += "            \"StartedAt\": " + json_string(iso_time(r.created)) + ",\n";
    j += "            \"FinishedAt\": " + json_string(r.finished ? iso_time(r.finished_at) : "") + "\n";
    j += "        },\n";
    j += "        \"Ports\": " + json_strings(r.ports) + ",\n";
    j += "        \"Disks\": " + json_strings(r.disks) + ",\n";
    j += "        \"AutoRemove\": " + std::string(r.auto_remove ? "true" : "false") + ",\n";
    char stop[32];
    std::snprintf(stop, sizeof stop, "%g", r.stop_timeout_s);
    j += "        \"StopTimeout\": " + std::string(stop) + ",\n";
    j += "        \"LogPath\": " + json_string(i.dir + "/console.log") + ",\n";
    j += "        \"StateDir\": " + json_string(i.dir) + "\n";
    return j + "    }";
}

CLI::Option* names_option(CLI::App& app, std::vector<std::string>& names)
{
    return app.add_option("NAME", names, "an instance's name (or a unique prefix of its id)")->required()->type_name("NAME");
}
} // namespace

Runner declare_ps(CLI::App& app)
{
    describe(app, "usage: husk ps [-a] [-q]\n\n"
                  "Lists the guests husk run started in the background (husk run -d), newest first: the running\n"
                  "ones, with -a the ended ones too. An instance whose supervisor died (kill -9) shows as\n"
                  "'exited (unknown)'.");
    auto all = std::make_shared<bool>(false), quiet = std::make_shared<bool>(false);
    app.add_flag("-a,--all", *all, "the ended instances too");
    app.add_flag("-q,--quiet", *quiet, "only the names");
    return [all, quiet] {
        std::vector<std::vector<std::string>> rows = { { "NAME", "STATUS", "CREATED", "IMAGE/COMMAND", "PORTS" } };
        for (const auto& i : list_instances()) {
            if (!i.running && !*all)
                continue;
            if (*quiet) {
                std::printf("%s\n", i.record.name.c_str());
                continue;
            }
            std::string status = status_word(i);
            if (!i.running && i.record.finished)
                status += " " + age(i.record.finished_at);
            std::string ports;
            for (const auto& p : i.record.ports)
                ports += (ports.empty() ? "" : ", ") + port_text(p);
            rows.push_back({ i.record.name, status, age(i.record.created), command_text(i.record), ports });
        }
        if (!*quiet)
            print_table(rows);
        return 0;
    };
}

Runner declare_logs(CLI::App& app)
{
    describe(app, "usage: husk logs [-f] NAME\n\n"
                  "Prints what an instance's guest wrote: its stdout and stderr and the kernel's log, in order.");
    auto follow = std::make_shared<bool>(false);
    auto name = std::make_shared<std::string>();
    app.add_flag("-f,--follow", *follow, "keep printing what comes until the guest ends");
    app.add_option("NAME", *name, "an instance's name (or a unique prefix of its id)")->required()->type_name("NAME");
    return [follow, name] {
        auto instance = find_or_say("logs", *name);
        if (!instance)
            return kInstanceError;
        int fd = open((instance->dir + "/console.log").c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return 0; // nothing written yet
        char buf[65536];
        bool ended = !*follow;
        for (;;) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n > 0) {
                if (fwrite(buf, 1, size_t(n), stdout) != size_t(n))
                    break; // a closed pipe: as cat
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (ended)
                break;
            std::fflush(stdout);
            // Once the supervisor is gone, one more pass takes its last words.
            ended = !supervisor_alive(instance->dir);
            if (!ended)
                usleep(100000);
        }
        close(fd);
        return 0;
    };
}

Runner declare_stop(CLI::App& app)
{
    describe(app, "usage: husk stop [-t SECONDS] NAME...\n\n"
                  "Stops running instances as SIGTERM to husk run -i would: the guest's pid 1 gets SIGTERM, the\n"
                  "kernel syncs and unmounts its disks and halts (status 143, or the program's own); a guest still\n"
                  "running after the timeout is killed (137). Prints each name; an ended one is no error.");
    auto timeout = std::make_shared<double>(-1); // the run's --stop-timeout
    auto names = std::make_shared<std::vector<std::string>>();
    app.add_option("-t,--time", *timeout,
                   "seconds to wait for the guest to stop before killing it (default: husk run's --stop-timeout, 10 unless "
                   "given; the guest gives its pid 1 that less one second, whatever -t says)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.0, 1e6));
    names_option(app, *names);
    return [timeout, names] {
        int status = 0;
        for (const auto& name : *names) {
            auto instance = find_or_say("stop", name);
            if (!instance) {
                status = kInstanceError;
                continue;
            }
            if (instance->running) {
                double seconds = *timeout >= 0 ? *timeout : instance->record.stop_timeout_s;
                char request[64];
                std::snprintf(request, sizeof request, "stop %g", seconds);
                std::string why = control_request(instance->dir, request, seconds + kRecordMarginS);
                if (!why.empty() && !wait_ended(instance->dir, 1)) {
                    std::fprintf(stderr, "husk stop: %s: %s\n", name.c_str(), why.c_str());
                    status = kInstanceError;
                    continue;
                }
            }
            std::printf("%s\n", name.c_str());
        }
        return status;
    };
}

Runner declare_kill(CLI::App& app)
{
    describe(app, "usage: husk kill [-s SIGNAL] NAME...\n\n"
                  "SIGKILL (the default) kills a running instance's QEMU at once (status 137), as docker kill does.\n"
                  "Any other signal goes to the guest's pid 1 (SIGHUP: a server rereads its configuration).");
    auto signal = std::make_shared<std::string>("KILL");
    auto names = std::make_shared<std::vector<std::string>>();
    app.add_option("-s,--signal", *signal, "the signal: a name (HUP, SIGTERM) or a number; default KILL")
        ->type_name("SIGNAL")
        ->check(signal_spec());
    names_option(app, *names);
    return [signal, names] {
        int sig = parse_signal(*signal), status = 0;
        for (const auto& name : *names) {
            auto instance = find_or_say("kill", name);
            if (!instance) {
                status = kInstanceError;
                continue;
            }
            if (!instance->running) {
                std::fprintf(stderr, "husk kill: %s is not running\n", name.c_str());
                status = kInstanceError;
                continue;
            }
            std::string why = control_request(instance->dir, "kill " + std::to_string(sig), sig == SIGKILL ? kRecordMarginS : 0);
            if (!why.empty()) {
                std::fprintf(stderr, "husk kill: %s: %s\n", name.c_str(), why.c_str());
                status = kInstanceError;
                continue;
            }
            std::printf("%s\n", name.c_str());
        }
        return status;
    };
}

Runner declare_rm(CLI::App& app)
{
    describe(app, "usage: husk rm [-f] NAME...\n\n"
                  "Removes ended instances: their record and console log. A running one needs -f, which kills it\n"
                  "first (as husk kill).");
    auto force = std::make_shared<bool>(false);
    auto names = std::make_shared<std::vector<std::string>>();
    app.add_flag("-f,--force", *force, "kill a running instance first");
    names_option(app, *names);
    return [force, names] {
        int status = 0;
        for (const auto& name : *names) {
            auto instance = find_or_say("rm", name);
            if (!instance) {
                status = kInstanceError;
                continue;
            }
            if (instance->running && !*force) {
                std::fprintf(stderr, "husk rm: %s is running: stop it first (husk stop %s) or use -f\n", name.c_str(),
                             name.c_str());
                status = kInstanceError;
                continue;
            }
            if (instance->running) {
                (void)control_request(instance->dir, "kill 9", kRecordMarginS);
                if (!wait_ended(instance->dir, 10)) {
                    std::fprintf(stderr, "husk rm: %s: its supervisor (pid %ld) did not end\n", name.c_str(),
                                 instance->record.pid);
                    status = kInstanceError;
                    continue;
                }
            }
            std::error_code ec;
            std::filesystem::remove_all(instance->dir, ec);
            if (ec) {
                std::fprintf(stderr, "husk rm: %s: %s\n", name.c_str(), ec.message().c_str());
                status = kInstanceError;
                continue;
            }
            std::printf("%s\n", name.c_str());
        }
        return status;
    };
}

Runner declare_inspect(CLI::App& app)
{
    describe(app, "usage: husk inspect NAME...\n\n"
                  "Prints what is recorded of instances as a JSON array, as docker inspect: id, name, image and\n"
                  "arguments, state (running, supervisor pid, exit code, start and end), ports, disks, log path.");
    auto names = std::make_shared<std::vector<std::string>>();
    names_option(app, *names);
    return [names] {
        int status = 0;
        std::string out;
        for (const auto& name : *names) {
            auto instance = find_or_say("inspect", name);
            if (!instance) {
                status = kInstanceError;
                continue;
            }
            out += (out.empty() ? "" : ",\n") + inspect_json(*instance);
        }
        std::printf("[%s%s]\n", out.empty() ? "" : "\n", (out + (out.empty() ? "" : "\n")).c_str());
        return status;
    };
}

} // namespace husk::tools
