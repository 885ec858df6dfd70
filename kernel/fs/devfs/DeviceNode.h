// A character device in /dev. Each device is a small table of functions
// (null, zero, full, random, console), not a subclass: they hold no state.
#pragma once

#include "../../vfs/Vnode.h"

namespace husk {

struct CharDevice {
    const char* name;
    uint32_t major, minor;
    kstd::ErrorOr<size_t> (*read)(IoBuffer buf, size_t n, bool nonblocking);
    kstd::ErrorOr<size_t> (*write)(IoBuffer buf, size_t n);
    // Device-specific ioctls (nullptr: none, ENOTTY).
    kstd::ErrorOr<long> (*ioctl)(unsigned long request, IoBuffer arg);
};

class DeviceNode final : public Vnode {
public:
    DeviceNode(FileSystem& fs, uint64_t ino, const CharDevice& device);

    kstd::ErrorOr<kstd::RefPtr<File>> open_device(int flags) override;
    kstd::ErrorOr<void> truncate(uint64_t) override { return {}; } // O_TRUNC on /dev/null is fine
    const CharDevice& device() const { return m_device; }

private:
    const CharDevice& m_device;
};

// /dev/console (console must be it) opened as the program's standard
// error: the same terminal, its output on the platform's error stream.
kstd::ErrorOr<kstd::RefPtr<File>> open_console_error(Vnode& console, int flags);

// The built-in devices, in /dev order.
const CharDevice* builtin_devices(size_t& count);

} // namespace husk
