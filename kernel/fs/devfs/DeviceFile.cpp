#include "DeviceFile.h"
#include "../../vfs/FileSystem.h"

namespace husk {

DeviceFile::DeviceFile(kstd::RefPtr<DeviceNode> node, int flags, const CharDevice& device)
    : File(flags), m_node(kstd::move(node)), m_device(device)
{
    m_node->fs().file_opened();
}

DeviceFile::~DeviceFile() { m_node->fs().file_closed(); }

kstd::ErrorOr<size_t> DeviceFile::read(IoBuffer buf, size_t n)
{
    if (!is_readable())
        return kstd::err(kstd::EBADF);
    return m_device.read(buf, n, is_nonblocking());
}

kstd::ErrorOr<size_t> DeviceFile::write(IoBuffer buf, size_t n)
{
    if (!is_writable())
        return kstd::err(kstd::EBADF);
    return m_device.write(buf, n);
}

kstd::ErrorOr<long> DeviceFile::ioctl(unsigned long request, IoBuffer arg)
{
    if (!m_device.ioctl)
        return kstd::err(kstd::ENOTTY);
    return m_device.ioctl(request, arg);
}

kstd::ErrorOr<void> DeviceFile::stat(linux::stat& out)
{
    fill_stat(*m_node, out);
    return {};
}

} // namespace husk
