// Runs every scenario against the host kernel and against Husk and compares
// the traces. Each scenario is one GoogleTest test (and one ctest test).
//   posix_suite --gtest_filter='open.*'     run some
//   posix_suite --show=open.creat_excl      print both traces
#include <gtest/gtest.h>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include "Scenario.h"

namespace posix {

std::vector<Scenario>& scenarios()
{
    static std::vector<Scenario> all;
    return all;
}

namespace {

std::string fs_under_test()
{
    const char* fs = std::getenv("HUSK_POSIX_FS");
    return fs && *fs ? fs : "ramfs";
}

std::vector<std::string> run_on(Backend& backend, const Scenario& sc)
{
    // Over an overlay the seed tree is always there (the lower layer), as
    // in an ISO image; the families that read it have it everywhere.
    std::string family = sc.family;
    bool seeded = fs_under_test() == "overlay" || family == "overlay" || family == "readonly" || family == "erofs";
    std::string root = backend.enter_workdir(std::string(sc.family) + "." + sc.name, seeded);
    std::vector<std::string> trace;
    {
        Sys s(backend, root);
        sc.body(s);
        trace = s.trace();
    }
    backend.leave_workdir();
    return trace;
}

std::string side_by_side(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    std::ostringstream out;
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        std::string l = i < a.size() ? a[i] : "(missing)";
        std::string r = i < b.size() ? b[i] : "(missing)";
        out << (l == r ? "   " : "!! ") << "linux: " << l << "\n";
        if (l != r)
            out << "   husk:  " << r << "\n";
    }
    return out.str();
}

bool is_iso() { return fs_under_test().rfind("iso-", 0) == 0; }

// Why the host cannot run scenarios read-only ("" when it can, or when
// the file system under test is writable and it need not).
std::string& host_read_only_reason()
{
    static std::string why;
    return why;
}

class ScenarioTest : public testing::Test {
public:
    explicit ScenarioTest(const Scenario& sc) : m_scenario(sc) {}
    void TestBody() override
    {
        if (std::string(m_scenario.family) == "erofs" && !host_read_only_reason().empty())
            GTEST_SKIP() << "no read-only bind mount on the host to compare with: " << host_read_only_reason();
        auto linux_trace = run_on(host_backend(), m_scenario);
        auto husk_trace = run_on(husk_backend(fs_under_test()), m_scenario);
        ASSERT_FALSE(linux_trace.empty()) << "a scenario must make observable calls";
        EXPECT_TRUE(linux_trace == husk_trace) << "traces differ (" << fs_under_test() << "):\n"
                                               << side_by_side(linux_trace, husk_trace);
        std::string problems = husk_backend(fs_under_test()).verify();
        EXPECT_TRUE(problems.empty()) << problems;
    }

private:
    const Scenario& m_scenario;
};

} // namespace
} // namespace posix

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN); // the host oracle gets EPIPE instead of dying
    // Over a read-only file system the oracle is Linux in a read-only bind
    // mount (set up before any thread: a user namespace wants one thread).
    if (posix::is_iso())
        posix::host_read_only_reason() = posix::host_read_only();
    if (posix::fs_under_test() == "iso-xorriso")
        posix::Sys::directory_links_traced() = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--show=", 7) == 0) {
            for (auto& sc : posix::scenarios()) {
                if (std::string(sc.family) + "." + sc.name != argv[i] + 7)
                    continue;
                auto a = posix::run_on(posix::host_backend(), sc);
                auto b = posix::run_on(posix::husk_backend(posix::fs_under_test()), sc);
                std::cout << posix::side_by_side(a, b);
                return a == b ? 0 : 1;
            }
            std::cerr << "no scenario " << (argv[i] + 7) << "\n";
            return 2;
        }
    }
    testing::InitGoogleTest(&argc, argv);
    for (auto& sc : posix::scenarios()) {
        testing::RegisterTest(sc.family, sc.name, nullptr, nullptr, __FILE__, __LINE__,
                              [&sc]() -> testing::Test* { return new posix::ScenarioTest(sc); });
    }
    return RUN_ALL_TESTS();
}
