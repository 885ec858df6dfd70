// Socket addresses between a program and the kernel, with Linux's rules
// for their lengths (move_addr_to_kernel, move_addr_to_user, and the
// msghdr's msg_namelen).
#pragma once

#include "../mm/UserPtr.h"
#include "../net/SocketAddress.h"

namespace husk {

// bind, connect, sendto: EINVAL when the length is negative or longer than
// any address (sockaddr_storage), EFAULT when unreadable.
kstd::ErrorOr<SocketAddress> copy_in_address(UserPtr<const void> addr, uint32_t length);
// sendmsg's msg_name: empty (no address) when either is 0; a longer one is
// cut to sockaddr_storage's size.
kstd::ErrorOr<SocketAddress> copy_in_message_address(uint64_t name, uint32_t length);
// getsockname, getpeername, accept, recvfrom, recvmsg: as many bytes as
// *length has room for; *length gets the address's full length.
kstd::ErrorOr<void> copy_out_address(const SocketAddress& a, UserPtr<void> addr, UserPtr<uint32_t> length);

} // namespace husk
