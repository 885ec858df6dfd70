// husk pkg build (PkgBuild.h).
#include "PkgBuild.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ImageFiles.h"

namespace husk::tools {

namespace fs = std::filesystem;

namespace {
// Written last by a successful build: the recipe version it built and the
// recipe's fingerprint.
constexpr const char* BUILT_MARK = ".husk-pkg-built";
constexpr const char* STAGE_LINE = "husk-pkg-stage: ";
// A build script's line that husk pkg also shows on stderr (a warning).
constexpr const char* NOTE_LINE = "husk-pkg-note: ";

// FNV-1a over the recipe's files (names, contents, link targets), for a
// kind=debian recipe without a build of its own build-debian, for a
// kind=source one the bake kit: a changed recipe, or a new kernel, is built
// again even where the version stayed.
std::string recipe_fingerprint(const Recipe& r)
{
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const std::string& s) {
        for (unsigned char c : s)
            h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    };
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(r.dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (!it->is_directory() || it->is_symlink())
            files.push_back(it->path());
    if (access((r.dir + "/build").c_str(), F_OK) != 0)
        files.push_back(fs::path(r.dir).parent_path() / "build-debian");
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::string why;
        mix(f.lexically_relative(fs::path(r.dir).parent_path()).string());
        mix(fs::is_symlink(f, ec) ? fs::read_symlink(f, ec).string() : read_file(f.string(), why));
    }
    // A source recipe's image holds the kernel: a new bake kit bakes it again.
    if (r.kind == "source") {
        struct stat st {};
        if (stat((kit_file(KIT_BAKE) + "husk-program.o").c_str(), &st) == 0)
            mix(std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    return hex;
}

std::string built_mark(const Recipe& r) { return r.version + " " + recipe_fingerprint(r) + "\n"; }

std::string self_path()
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    return n > 0 ? std::string(self, size_t(n)) : tool_dir() + "husk";
}

// The build's output, split into one log per stage.
class StageLogs {
public:
    StageLogs(std::string name, std::string dir, bool verbose) : name_(std::move(name)), dir_(std::move(dir)), verbose_(verbose) {}
    void start(const std::string& stage)
    {
        stage_ = stage;
        path_ = dir_ + "/" + stage + ".log";
        log_.close();
        log_.open(path_, std::ios::trunc);
        tail_.clear();
        std::fprintf(stderr, "husk pkg: %s: %s (log: %s)\n", name_.c_str(), stage.c_str(), path_.c_str());
    }
    void line(const std::string& text)
    {
        if (text.rfind(STAGE_LINE, 0) == 0) {
            std::string stage = text.substr(std::strlen(STAGE_LINE));
            if (!stage.empty() && stage.find('/') == std::string::npos) {
                start(stage);
                return;
            }
        }
        if (text.rfind(NOTE_LINE, 0) == 0) // worth seeing without the log
            std::fprintf(stderr, "husk pkg: %s: %s\n", name_.c_str(), text.c_str() + std::strlen(NOTE_LINE));
        if (stage_.empty())
            start("build"); // a script that names no stage: one log
        log_ << text << '\n';
        log_.flush();
        tail_.push_back(text);
        if (tail_.size() > 20)
            tail_.pop_front();
        if (verbose_)
            std::fprintf(stderr, "%s\n", text.c_str());
    }
    const std::string& stage() const { return stage_; }
    const std::string& path() const { return path_; }
    const std::deque<std::string>& tail() const { return tail_; }

private:
    std::string name_, dir_, stage_, path_;
    bool verbose_;
    std::ofstream log_;
    std::deque<std::string> tail_;
};

// Runs argv with stdout and stderr into logs; its exit status (128+N for a signal).
int run_logged(const std::vector<std::string>& argv, StageLogs& logs)
{
    int fds[2];
    if (pipe(fds) != 0)
        return logs.line(std::string("husk pkg: pipe: ") + std::strerror(errno)), 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    std::string pending;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pending.append(buf, size_t(n));
        for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
            logs.line(pending.substr(0, nl));
    }
    if (!pending.empty())
        logs.line(pending);
    close(fds[0]);
    if (pid < 0)
        return logs.line(std::string("husk pkg: fork: ") + std::strerror(errno)), 1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
} // namespace

std::string pkg_cache_root()
{
    if (const char* own = std::getenv("HUSK_PKG_CACHE"); own && *own == '/')
        return own;
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/')
        return std::string(xdg) + "/husk/pkg";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.cache/husk/pkg";
}

std::string pkg_out_dir(const Recipe& r)
{
    // An epoch's ':' (5:7.0.15-1) would look like a protocol to some tools (QEMU's file=).
    std::string version = r.version;
    std::replace(version.begin(), version.end(), ':', '_');
    return pkg_cache_root() + "/" + r.name + "/" + version;
}

std::string pkg_image(const Recipe& r, const std::string& out) { return out + "/" + r.name + ".img"; }

bool pkg_is_built(const Recipe& r, const std::string& out)
{
    std::string why;
    std::string mark = read_file(out + "/" + BUILT_MARK, why);
    return why.empty() && mark == built_mark(r) && access(pkg_image(r, out).c_str(), R_OK) == 0;
}

int pkg_build(const Recipe& r, const BuildOptions& o)
{
    std::string out = o.out.empty() ? pkg_out_dir(r) : o.out;
    std::error_code ec;
    fs::create_directories(out + "/logs", ec);
    if (ec) {
        std::fprintf(stderr, "husk pkg build: cannot make %s: %s\n", out.c_str(), ec.message().c_str());
        return 1;
    }
    out = fs::canonical(out, ec).string();
    if (!o.force && pkg_is_built(r, out)) {
        std::fprintf(stderr, "husk pkg: %s %s is built: %s\n", r.name.c_str(), r.version.c_str(), pkg_image(r, out).c_str());
        return 0;
    }
    fs::remove(out + "/" + BUILT_MARK, ec);
    // A recipe's own build script, else (kind=debian) the shared one that
    // makes a root of the recipe's Debian packages and its root/ files.
    std::vector<std::string> argv;
    std::string script = r.dir + "/build";
    if (access(script.c_str(), F_OK) == 0)
        argv = { script, self_path(), out };
    else if (r.kind == "debian")
        argv = { fs::path(r.dir).parent_path().string() + "/build-debian", self_path(), out, r.dir };
    else {
        std::fprintf(stderr, "husk pkg build: %s: kind=source wants a build script %s\n", r.name.c_str(), script.c_str());
        return 1;
    }
    std::fprintf(stderr, "husk pkg: building %s %s in %s\n", r.name.c_str(), r.version.c_str(), out.c_str());
    StageLogs logs(r.name, out + "/logs", o.verbose);
    int status = run_logged(argv, logs);
    if (status == 0 && access(pkg_image(r, out).c_str(), R_OK) != 0) {
        logs.line("husk pkg: the build ended well but made no " + pkg_image(r, out));
        status = 1;
    }
    if (status != 0) {
        if (logs.stage().empty())
            logs.start("build");
        std::fprintf(stderr, "husk pkg build: %s: the %s stage failed (exit status %d); the end of its log:\n", r.name.c_str(),
                     logs.stage().c_str(), status);
        for (const auto& line : logs.tail())
            std::fprintf(stderr, "  %s\n", line.c_str());
        std::fprintf(stderr, "husk pkg build: %s: the whole log: %s\n", r.name.c_str(), logs.path().c_str());
        return 1;
    }
    std::ofstream(out + "/" + BUILT_MARK) << built_mark(r);
    std::fprintf(stderr, "husk pkg: %s %s built: %s\n", r.name.c_str(), r.version.c_str(), pkg_image(r, out).c_str());
    return 0;
}

} // namespace husk::tools
