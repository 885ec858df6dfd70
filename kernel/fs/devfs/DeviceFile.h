// The open file description of a character device: reads and writes go to
// the device with the description's O_NONBLOCK, offsets do not matter.
#pragma once

#include "../../vfs/File.h"
#include "DeviceNode.h"

namespace husk {

class DeviceFile final : public File {
public:
    // device: how it reads and writes (the node's own, or the console's
    // error stream for the console node).
    DeviceFile(kstd::RefPtr<DeviceNode> node, int flags, const CharDevice& device);
    ~DeviceFile() override;

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> pread(IoBuffer buf, size_t n, uint64_t) override { return read(buf, n); }
    kstd::ErrorOr<size_t> pwrite(IoBuffer buf, size_t n, uint64_t) override { return write(buf, n); }
    kstd::ErrorOr<uint64_t> seek(int64_t, int) override { return 0; } // like Linux's null/zero
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg) override;
    Vnode* vnode() override { return m_node.ptr(); }

private:
    kstd::RefPtr<DeviceNode> m_node;
    const CharDevice& m_device;
};

} // namespace husk
