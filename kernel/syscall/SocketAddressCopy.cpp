#include "SocketAddressCopy.h"

namespace husk {

using namespace kstd::errno_values;

ErrorOr<SocketAddress> copy_in_address(UserPtr<const void> addr, uint32_t length)
{
    if (int32_t(length) < 0 || length > SocketAddress::kCapacity)
        return err(EINVAL);
    SocketAddress a;
    a.length = length;
    if (length)
        TRY(addr.buffer().read_into(a.bytes, 0, length));
    return a;
}

ErrorOr<SocketAddress> copy_in_message_address(uint64_t name, uint32_t length)
{
    if (int32_t(length) < 0)
        return err(EINVAL);
    if (!name || !length)
        return SocketAddress {};
    return copy_in_address(UserPtr<const void>(name), kstd::min(length, SocketAddress::kCapacity));
}

ErrorOr<void> copy_out_address(const SocketAddress& a, UserPtr<void> addr, UserPtr<uint32_t> length)
{
    uint32_t room = TRY(copy_in(UserPtr<const uint32_t>(length.address())));
    if (int32_t(room) < 0)
        return err(EINVAL);
    uint32_t n = kstd::min(room, a.length);
    if (n)
        TRY(addr.buffer().write_from(0, a.bytes, n));
    TRY(copy_out(length, a.length));
    return {};
}

} // namespace husk
