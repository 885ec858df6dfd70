#include "UnixName.h"
#include "../kstd/Format.h"

namespace husk {

using namespace kstd::errno_values;

bool UnixName::same(const UnixName& other) const
{
    if (!is_named() || !other.is_named() || is_abstract() != other.is_abstract())
        return false;
    if (!is_abstract())
        return fs && fs == other.fs && ino == other.ino;
    return length == other.length && memcmp(address.sun_path, other.address.sun_path, length - 2) == 0;
}

ErrorOr<UnixName> UnixName::from(const SocketAddress& addr)
{
    uint32_t length = addr.length;
    if (length < 2 || length > sizeof(linux::sockaddr_un))
        return err(EINVAL);
    UnixName n;
    memcpy(&n.address, addr.bytes, length);
    if (n.address.sun_family != linux::AF_UNIX)
        return err(EINVAL);
    n.length = length;
    if (length > 2 && n.address.sun_path[0] != 0) {
        size_t path = 0;
        while (path < length - 2 && n.address.sun_path[path])
            ++path;
        if (path == sizeof n.address.sun_path)
            return err(EINVAL); // no room for the terminating NUL
        n.address.sun_path[path] = 0;
        n.length = uint32_t(2 + path + 1);
    }
    return n;
}

UnixName UnixName::autobind(uint32_t serial)
{
    UnixName n;
    kstd::format(n.address.sun_path + 1, sizeof n.address.sun_path - 1, "%05x", serial & 0xfffff);
    n.length = 2 + 1 + 5;
    return n;
}

} // namespace husk
