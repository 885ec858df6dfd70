// Version, command line, entropy, symbols and halt for the hosted kernel.
#include <husk/platform.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cxxabi.h>
#include <dlfcn.h>
#include <sys/random.h>
#include <unistd.h>
#include "HostedPlatform.h"

namespace husk::hosted {
Settings& settings()
{
    static Settings s;
    return s;
}

HostWait& host_wait()
{
    static HostWait w;
    return w;
}
} // namespace husk::hosted

extern "C" uint32_t husk_plat_version(void) { return HUSK_PLATFORM_VERSION; }
extern "C" const char* husk_plat_cmdline(void) { return husk::hosted::settings().cmdline.c_str(); }
// The hosted kernel's embedder passes its configuration in the command line.
extern "C" long husk_plat_config_read(void*, size_t) { return -ENOSYS; }

extern "C" int husk_plat_random(void* buf, size_t len)
{
    auto* p = static_cast<char*>(buf);
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        p += n;
        len -= size_t(n);
    }
    return 0;
}

extern "C" int husk_plat_symbolize(uintptr_t addr, char* buf, size_t len)
{
    Dl_info info;
    if (!dladdr(reinterpret_cast<void*>(addr), &info) || !info.dli_sname)
        return -ENOENT;
    int status = 0;
    char* demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
    snprintf(buf, len, "%s+0x%lx", status == 0 && demangled ? demangled : info.dli_sname,
             static_cast<unsigned long>(addr - reinterpret_cast<uintptr_t>(info.dli_saddr)));
    free(demangled);
    return 0;
}

// The embedder stops a hosted kernel itself (husk server's SIGTERM).
extern "C" int husk_plat_stop_requested(void) { return 0; }
// No host outside the process to send pid 1 a signal.
extern "C" int husk_plat_host_signal(void) { return -ENOSYS; }

extern "C" void husk_plat_halt(int status)
{
    fflush(stdout);
    fflush(stderr);
    _exit(status & 0xff);
}

// No 9P channels: a hosted kernel reaches host directories through its
// block devices (husk server -d) instead.
extern "C" int husk_plat_9p_info(unsigned, husk_9p_info*) { return -ENODEV; }
extern "C" int husk_plat_9p_submit(unsigned, husk_9p_req*) { return -ENODEV; }
extern "C" size_t husk_plat_9p_reap(unsigned, husk_9p_req**, size_t) { return 0; }
