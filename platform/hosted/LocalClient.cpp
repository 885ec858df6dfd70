// The local-client API (husk/husk.h): boots the kernel inside this process
// and turns husk_sys_*() calls into kernel syscalls under one big lock.
#include <husk/husk.h>
#include <husk/platform.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <poll.h>
#include "HostNic.h"
#include "HostedPlatform.h"

namespace {

std::mutex g_big_lock;
bool g_booted;

// Reads "mem=N" (MiB) from the command line for the platform's own use.
size_t memory_from(const std::string& cmdline)
{
    size_t at = 0;
    size_t mib = 64;
    while ((at = cmdline.find("mem=", at)) != std::string::npos) {
        if (at == 0 || cmdline[at - 1] == ' ')
            mib = std::strtoul(cmdline.c_str() + at + 4, nullptr, 10);
        at += 4;
    }
    return (mib < 4 ? 4 : mib) << 20;
}

template<typename T>
uint64_t to_word(T v)
{
    if constexpr (std::is_pointer_v<T>)
        return reinterpret_cast<uintptr_t>(v);
    else
        return static_cast<uint64_t>(static_cast<long>(v));
}

template<long Nr, typename... A>
long call(A... a)
{
    uint64_t words[6] = { to_word(a)... };
    std::lock_guard lock(g_big_lock);
    return husk_kernel_syscall(Nr, words);
}

template<typename R>
R finish(long r)
{
    if (r < 0 && r > -4096) {
        errno = int(-r);
        return R(-1);
    }
    return R(r);
}

} // namespace

extern "C" int husk_init(const char* config)
{
    std::lock_guard lock(g_big_lock);
    if (g_booted) {
        errno = EBUSY;
        return -1;
    }
    auto& s = husk::hosted::settings();
    s.cmdline = config ? config : "";
    s.memory_bytes = memory_from(s.cmdline);
    s.console_input = s.cmdline.find("console_input=1") != std::string::npos;
    husk::hosted::install_fault_handler();
    int r = husk_kernel_boot();
    if (r < 0) {
        errno = -r;
        return -1;
    }
    g_booted = true;
    // Addresses and DHCP leases, as a unikernel gets them before its program.
    if (int n = husk_kernel_configure_network(); n < 0) {
        errno = -n;
        return -1;
    }
    return 0;
}

extern "C" int husk_attach_net(const char* spec, char* error, size_t error_len)
{
    std::lock_guard lock(g_big_lock);
    std::string message;
    int r;
    if (g_booted) {
        r = -EBUSY;
        message = "network interfaces are attached before husk_init";
    } else if (husk::hosted::nic_count() >= 8) {
        r = -ENOSPC;
        message = "at most 8 network interfaces";
    } else {
        r = husk::hosted::attach_nic(spec ? spec : "", message);
    }
    if (r < 0 && error && error_len) {
        std::strncpy(error, message.c_str(), error_len - 1);
        error[error_len - 1] = 0;
    }
    return finish<int>(r);
}

extern "C" int husk_poll_host(struct pollfd* fds, unsigned long nfds, int timeout_ms)
{
    // Ready already: no need to enter the kernel.
    int n = poll(fds, nfds, 0);
    if (n != 0 || timeout_ms == 0)
        return n;
    std::lock_guard lock(g_big_lock);
    if (!g_booted)
        return poll(fds, nfds, timeout_ms);
    uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : husk_plat_clock_monotonic() + uint64_t(timeout_ms) * 1000000u;
    auto& wait = husk::hosted::host_wait();
    for (unsigned long i = 0; i < nfds; ++i)
        fds[i].revents = 0;
    wait.fds = fds;
    wait.count = nfds;
    husk_kernel_wait_host(deadline);
    bool interrupted = wait.interrupted;
    wait = {};
    if (interrupted) {
        errno = EINTR;
        return -1;
    }
    // The idle loop's ppoll left what it saw in revents: no second poll.
    int ready = 0;
    for (unsigned long i = 0; i < nfds; ++i)
        ready += fds[i].revents != 0;
    return ready;
}

extern "C" int husk_attach_disk(const char* path, int read_only, char* error, size_t error_len)
{
    std::lock_guard lock(g_big_lock);
    std::string message;
    int r;
    if (g_booted) {
        r = -EBUSY;
        message = "disks are attached before husk_init";
    } else {
        r = husk::hosted::attach_block_file(path ? path : "", read_only != 0, message);
    }
    if (r < 0 && error && error_len) {
        std::strncpy(error, message.c_str(), error_len - 1);
        error[error_len - 1] = 0;
    }
    return finish<int>(r);
}

extern "C" int husk_attach_hostfile(const char* path, int read_only)
{
    return husk_attach_disk(path, read_only, nullptr, 0);
}

extern "C" long husk_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    uint64_t words[6] = { uint64_t(a1), uint64_t(a2), uint64_t(a3), uint64_t(a4), uint64_t(a5), uint64_t(a6) };
    std::lock_guard lock(g_big_lock);
    if (!g_booted)
        return -ENOSYS;
    return husk_kernel_syscall(nr, words);
}

extern "C" long husk_process_create(const char* name)
{
    std::lock_guard lock(g_big_lock);
    return finish<long>(g_booted ? husk_kernel_process_create(name) : -ENOSYS);
}

extern "C" long husk_syscall_as(long pid, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    uint64_t words[6] = { uint64_t(a1), uint64_t(a2), uint64_t(a3), uint64_t(a4), uint64_t(a5), uint64_t(a6) };
    std::lock_guard lock(g_big_lock);
    return g_booted ? husk_kernel_syscall_as(pid, nr, words) : -ENOSYS;
}

extern "C" int husk_process_destroy(long pid)
{
    std::lock_guard lock(g_big_lock);
    return finish<int>(g_booted ? husk_kernel_process_destroy(pid) : -ENOSYS);
}

extern "C" long husk_dmesg(char* buf, size_t len)
{
    constexpr int kReadAll = 3;
    return husk_sys_syslog(kReadAll, buf, int(len > 0x7fffffff ? 0x7fffffff : len));
}

#define HUSK_EXPAND(...) __VA_ARGS__
#define HUSK_SYSCALL(nr, name, status, note, ret, params, args) \
    extern "C" ret husk_sys_##name params { return finish<ret>(g_booted ? call<nr>(HUSK_EXPAND args) : -ENOSYS); }
#define HUSK_NOSYS(nr, name, note)
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS
