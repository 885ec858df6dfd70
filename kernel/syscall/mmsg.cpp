// sendmmsg and recvmmsg: several sendmsg/recvmsg calls in one, each
// message's length written to its mmsghdr's msg_len (glibc's resolver sends
// its A and AAAA queries this way).
#include "Handlers.h"
#include "Helpers.h"
#include <husk/platform.h>

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr size_t kMmsgSize = sizeof(msghdr) + 8; // struct mmsghdr: msghdr, unsigned msg_len, padding
constexpr unsigned kUioMaxIov = 1024;             // Linux caps vlen here
constexpr int MSG_WAITFORONE = 0x10000;

UserPtr<msghdr> header_at(uintptr_t base, unsigned i) { return UserPtr<msghdr>(base + i * kMmsgSize); }
UserPtr<uint32_t> length_at(uintptr_t base, unsigned i) { return UserPtr<uint32_t>(base + i * kMmsgSize + sizeof(msghdr)); }
} // namespace

// As Linux: the first failure is the result only when nothing was sent;
// after that the count of messages sent is.
SysResult sys_sendmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, int flags)
{
    TRY(file_of(fd));
    vlen = kstd::min(vlen, kUioMaxIov);
    unsigned sent = 0;
    for (; sent < vlen; ++sent) {
        SysResult r = sys_sendmsg(fd, UserPtr<const msghdr>(header_at(msgvec.address(), sent).address()), flags);
        if (r.is_error()) {
            if (sent == 0)
                return r.error();
            break;
        }
        if (copy_out(length_at(msgvec.address(), sent), uint32_t(r.value())).is_error()) {
            if (sent == 0)
                return err(EFAULT);
            break;
        }
    }
    return long(sent);
}

// The timeout, as Linux's, is looked at only between messages (a blocking
// receive still waits for its message); what is left of it is written back.
SysResult sys_recvmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, int flags, UserPtr<linux::timespec> timeout)
{
    TRY(file_of(fd));
    uint64_t deadline = UINT64_MAX;
    if (!timeout.is_null()) {
        uint64_t ns = TRY(timespec_to_ns(UserPtr<const linux::timespec>(timeout.address())));
        deadline = deadline_after(ns > uint64_t(INT64_MAX) ? -1 : int64_t(ns));
    }
    vlen = kstd::min(vlen, kUioMaxIov);
    unsigned got = 0;
    while (got < vlen) {
        SysResult r = sys_recvmsg(fd, header_at(msgvec.address(), got), flags & ~MSG_WAITFORONE);
        if (r.is_error()) {
            if (got == 0)
                return r.error();
            break;
        }
        if (copy_out(length_at(msgvec.address(), got), uint32_t(r.value())).is_error()) {
            if (got == 0)
                return err(EFAULT);
            break;
        }
        ++got;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (deadline != UINT64_MAX && husk_plat_clock_monotonic() >= deadline)
            break;
    }
    if (!timeout.is_null() && got > 0) {
        uint64_t now = husk_plat_clock_monotonic();
        uint64_t left = deadline == UINT64_MAX || now >= deadline ? 0 : deadline - now;
        if (deadline == UINT64_MAX)
            left = TRY(timespec_to_ns(UserPtr<const linux::timespec>(timeout.address())));
        linux::timespec ts { int64_t(left / 1000000000), int64_t(left % 1000000000) };
        TRY(copy_out(timeout, ts));
    }
    return long(got);
}

} // namespace husk
