// State shared by the hosted platform's files: the configuration the
// local client gave to husk_init and the host files acting as disks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <poll.h>
#include <string>

namespace husk::hosted {

struct Settings {
    std::string cmdline;          // what husk_plat_cmdline returns
    size_t memory_bytes = 64u << 20;
    bool console_input = false;   // read stdin as console input
};

Settings& settings();

// Host files attached as block devices, in index order.
// Locked against other writers (ImageLock.h); error says why on failure.
int attach_block_file(const char* path, bool read_only, std::string& error);
size_t block_device_count();
bool block_completions_pending();

// Host descriptors the local client waits for inside husk_poll_host: the
// idle loop polls them too and reports HUSK_EVENT_HOST (with revents set,
// or `interrupted` when a signal cut the wait short, as poll's EINTR).
struct HostWait {
    struct pollfd* fds = nullptr;
    size_t count = 0;
    bool interrupted = false;
};
HostWait& host_wait();

// Installs the SIGSEGV handler that turns bad client pointers into EFAULT.
void install_fault_handler();

} // namespace husk::hosted
