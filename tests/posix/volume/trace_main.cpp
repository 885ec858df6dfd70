// The POSIX scenarios as one static program that makes its calls directly
// to the kernel it runs on, and prints each scenario's trace: run on the
// host (the oracle) and under husk run with the work directory on a
// --volume (9P), the two outputs must be equal (run-posix-volume compares
// them). Usage: posix_trace BASEDIR [FAMILY.NAME-PREFIX...]
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include "../Backend.h"
#include "../Scenario.h"
#include "../Seed.h"

namespace posix {

std::vector<Scenario>& scenarios()
{
    static std::vector<Scenario> all;
    return all;
}

namespace {
// The kernel this program runs on, in a fresh directory under the base.
class DirectBackend final : public Backend {
public:
    explicit DirectBackend(std::string base) : m_base(std::move(base)) {}
    const char* name() const override { return "direct"; }
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) override
    {
        long r = ::syscall(nr, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -errno : r;
    }
    std::string enter_workdir(const std::string& scenario, bool seeded) override
    {
        m_dir = m_base + "/" + scenario;
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
        std::filesystem::create_directories(m_dir, ec);
        ::umask(022);
        if (::chdir(m_dir.c_str()) != 0) {
            std::fprintf(stderr, "posix_trace: chdir %s: %s\n", m_dir.c_str(), std::strerror(errno));
            std::exit(2);
        }
        if (seeded)
            write_seed(*this, m_dir);
        return m_dir;
    }
    void leave_workdir() override
    {
        if (::chdir("/") != 0)
            return;
        std::error_code ec;
        // Scenarios may leave read-only directories behind: open them up first.
        for (auto it = std::filesystem::recursive_directory_iterator(m_dir, ec); !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec) && !it->is_symlink(ec))
                std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(m_dir, ec);
    }

private:
    std::string m_base, m_dir;
};
} // namespace
} // namespace posix

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: posix_trace BASEDIR [SCENARIO-PREFIX...]\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    posix::DirectBackend backend(argv[1]);
    for (auto& sc : posix::scenarios()) {
        std::string id = std::string(sc.family) + "." + sc.name;
        bool wanted = argc == 2;
        for (int i = 2; i < argc; ++i)
            wanted = wanted || id.rfind(argv[i], 0) == 0;
        if (!wanted)
            continue;
        bool seeded = std::string(sc.family) == "overlay";
        std::string root = backend.enter_workdir(id, seeded);
        std::vector<std::string> trace;
        {
            posix::Sys s(backend, root);
            sc.body(s);
            trace = s.trace();
        }
        backend.leave_workdir();
        std::printf("== %s\n", id.c_str());
        for (const auto& line : trace)
            std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    }
    return 0;
}
