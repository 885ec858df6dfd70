// The syscall table against the Linux ABI header, and the ENOSYS path.
#include "Boot.h"
#include <cerrno>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include "syscall/SyscallTable.h"

using husk::SyscallStatus;
using husk::SyscallTable;

TEST(SyscallTable, MatchesLinuxNumbering)
{
    std::ifstream header(HUSK_UNISTD_H);
    ASSERT_TRUE(header) << "need " << HUSK_UNISTD_H << " (Debian package linux-libc-dev)";
    std::regex define(R"(#define __NR_(\w+) (\d+))");
    std::string line;
    int checked = 0;
    while (std::getline(header, line)) {
        std::smatch m;
        if (!std::regex_search(line, m, define))
            continue;
        long nr = std::stol(m[2]);
        auto* e = SyscallTable::entry(nr);
        ASSERT_NE(e, nullptr) << "syscall " << m[1] << " (" << nr << ") missing";
        EXPECT_EQ(std::string(e->name), m[1].str()) << "number " << nr;
        ++checked;
    }
    EXPECT_GT(checked, 300);
}

TEST(SyscallTable, SupportedEntriesHaveHandlers)
{
    int supported = 0;
    for (long nr = 0; nr < long(SyscallTable::kSize); ++nr) {
        auto* e = SyscallTable::entry(nr);
        if (!e)
            continue;
        if (e->status == SyscallStatus::None) {
            EXPECT_EQ(e->handler, nullptr) << e->name;
        } else {
            EXPECT_NE(e->handler, nullptr) << e->name;
            ++supported;
        }
    }
    EXPECT_GE(supported, 80);
}

TEST(SyscallTable, PartialEntriesSayWhatIsMissing)
{
    // The notes of supported calls stay in syscalls.def (the kernel keeps
    // only the unsupported ones'), so they are checked there.
    enum Status { FULL, PARTIAL };
    struct Row {
        const char* name;
        Status status;
        const char* note;
    };
    static const Row rows[] = {
#define HUSK_SYSCALL(nr, name, status, note, ...) { #name, status, note },
#define HUSK_NOSYS(nr, name, note)
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS
    };
    int partial = 0;
    for (const Row& r : rows) {
        if (r.status != PARTIAL)
            continue;
        EXPECT_STRNE(r.note, "") << r.name << " is partial: the note must say what is missing";
        ++partial;
    }
    EXPECT_GT(partial, 0);
}

TEST(SyscallTable, UnsupportedCallIsEnosysAndLoggedOnce)
{
    boot_kernel();
    EXPECT_EQ(husk_syscall(246 /* kexec_load */, 0, 0, 0, 0, 0, 0), -ENOSYS);
    EXPECT_EQ(husk_syscall(246, 0, 0, 0, 0, 0, 0), -ENOSYS);
    EXPECT_EQ(husk_syscall(100000, 0, 0, 0, 0, 0, 0), -ENOSYS);
    EXPECT_EQ(husk_syscall(-3, 0, 0, 0, 0, 0, 0), -ENOSYS);
    std::string log(70000, '\0');
    long n = husk_dmesg(log.data(), log.size());
    ASSERT_GT(n, 0);
    log.resize(size_t(n));
    std::regex kexec_line("syscall kexec_load \\(246\\) is not supported");
    auto count = std::distance(std::sregex_iterator(log.begin(), log.end(), kexec_line), std::sregex_iterator());
    EXPECT_EQ(count, 1);
}

TEST(SyscallTable, LocalClientWrappersSetErrno)
{
    boot_kernel();
    errno = 0;
    EXPECT_EQ(husk_sys_close(12345), -1);
    EXPECT_EQ(errno, EBADF);
    EXPECT_EQ(husk_sys_getpid(), 1);
}
