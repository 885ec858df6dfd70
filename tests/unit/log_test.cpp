// The kernel log ring (dmesg) and panic.
#include "Boot.h"
#include <string>
#include <husk/version.h>
#include "core/Log.h"
#include "core/Panic.h"

using namespace husk;

namespace {
std::string dmesg()
{
    std::string buf(70000, '\0');
    long n = husk_dmesg(buf.data(), buf.size());
    return n < 0 ? "" : buf.substr(0, size_t(n));
}
} // namespace

TEST(Log, LinesAreTimestampedAndReadable)
{
    boot_kernel();
    klog(LogLevel::Info, "unit test marker %d", 12345);
    std::string log = dmesg();
    EXPECT_NE(log.find("Husk " HUSK_VERSION), std::string::npos);
    auto at = log.find("unit test marker 12345\n");
    ASSERT_NE(at, std::string::npos);
    auto line_start = log.rfind('\n', at);
    EXPECT_EQ(log[line_start + 1], '[');
}

TEST(Log, WrapsAroundKeepingWholeLines)
{
    boot_kernel();
    for (int i = 0; i < 3000; ++i)
        klog(LogLevel::Debug, "filler line number %05d with some padding text", i);
    std::string log = dmesg();
    EXPECT_LE(log.size(), 64u * 1024);
    EXPECT_EQ(log.front(), '[') << "the oldest partial line is dropped";
    EXPECT_EQ(log.back(), '\n');
    EXPECT_NE(log.find("filler line number 02999"), std::string::npos);
    EXPECT_EQ(log.find("filler line number 00000"), std::string::npos);
}

TEST(Log, SyslogClearEmptiesTheRing)
{
    boot_kernel();
    klog(LogLevel::Info, "before clear");
    EXPECT_EQ(husk_sys_syslog(5, nullptr, 0), 0);
    EXPECT_EQ(husk_sys_syslog(10, nullptr, 0), 0);
    klog(LogLevel::Info, "after clear");
    std::string log = dmesg();
    EXPECT_EQ(log.find("before clear"), std::string::npos);
    EXPECT_NE(log.find("after clear"), std::string::npos);
}

TEST(Panic, PrintsMessageAndBacktraceThenHalts)
{
    boot_kernel();
    EXPECT_EXIT(panic("something broke: %d", 42), testing::ExitedWithCode(kPanicExitStatus),
                "PANIC: something broke: 42(.|\n)*backtrace:(.|\n)*#0 0x");
}
