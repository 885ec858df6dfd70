#include "ControlMessages.h"
#include "../vfs/FdTable.h"
#include "../vfs/IoBuffer.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr uint64_t kMaxControl = 128 * 1024; // Linux's net.core.optmem_max
constexpr uint64_t kHeader = sizeof(cmsghdr);

uint64_t aligned(uint64_t length) { return (length + 7) & ~uint64_t(7); } // CMSG_ALIGN
constexpr int kIpLevel = 0, kIpv6Level = 41; // IPPROTO_IP, IPPROTO_IPV6

// Copies the program's control buffer in and calls visit(header, data) for
// each header, then the next at its aligned end while a whole header fits
// (CMSG_FIRSTHDR, CMSG_NXTHDR); a header that does not fit is EINVAL.
template<typename Visit>
ErrorOr<void> for_each_control_message(const msghdr& m, Visit visit)
{
    uint64_t length = m.msg_controllen;
    if (length < kHeader)
        return {}; // no first header (CMSG_FIRSTHDR is null)
    if (length > kMaxControl)
        return err(ENOBUFS);
    kstd::Vector<uint8_t> control;
    if (!control.resize(size_t(length)))
        return err(ENOMEM);
    TRY(IoBuffer::user(uintptr_t(m.msg_control)).read_into(control.data(), 0, size_t(length)));
    cmsghdr h;
    for (uint64_t at = 0; at + kHeader <= length; at += aligned(h.cmsg_len)) {
        memcpy(&h, control.data() + at, sizeof h);
        if (h.cmsg_len < kHeader || h.cmsg_len > length - at)
            return err(EINVAL);
        TRY(visit(h, control.data() + at + kHeader));
    }
    return {};
}
} // namespace

ErrorOr<Socket::PassedFiles> copy_in_rights(const msghdr& m, const FdTable& fds)
{
    Socket::PassedFiles files;
    TRY(for_each_control_message(m, [&](const cmsghdr& h, const uint8_t* data) -> ErrorOr<void> {
        if (h.cmsg_level != SOL_SOCKET || h.cmsg_type == SCM_CREDENTIALS)
            return {};
        if (h.cmsg_type != SCM_RIGHTS)
            return err(EINVAL);
        size_t count = size_t((h.cmsg_len - kHeader) / sizeof(int32_t));
        if (files.size() + count > size_t(SCM_MAX_FD))
            return err(EINVAL);
        for (size_t i = 0; i < count; ++i) {
            int32_t fd;
            memcpy(&fd, data + i * sizeof fd, sizeof fd);
            if (!files.append(TRY(fds.get(fd))))
                return err(ENOMEM);
        }
        return {};
    }));
    return files;
}

ErrorOr<uint64_t> copy_out_rights(Socket::PassedFiles files, const msghdr& m, FdTable& fds, bool cloexec,
                                  int& msg_flags)
{
    if (files.is_empty())
        return uint64_t(0);
    uint64_t room = m.msg_controllen;
    size_t fit = room <= kHeader ? 0 : size_t(kstd::min<uint64_t>((room - kHeader) / sizeof(int32_t), files.size()));
    kstd::Vector<int32_t> installed;
    for (size_t i = 0; i < fit; ++i) {
        auto fd = fds.allocate(files[i], cloexec);
        if (fd.is_error() || !installed.append(int32_t(fd.value()))) {
            if (!fd.is_error())
                (void)fds.close(fd.value());
            break; // EMFILE: what is left is closed, as on Linux
        }
    }
    if (installed.size() < files.size())
        msg_flags |= MSG_CTRUNC;
    if (installed.is_empty())
        return uint64_t(0);
    uint64_t data = installed.size() * sizeof(int32_t);
    cmsghdr h { kHeader + data, SOL_SOCKET, SCM_RIGHTS };
    IoBuffer out = IoBuffer::user(uintptr_t(m.msg_control));
    bool written = !out.write_from(0, &h, sizeof h).is_error()
        && !out.write_from(sizeof h, installed.data(), size_t(data)).is_error();
    if (!written) {
        for (int32_t fd : installed)
            (void)fds.close(fd);
        return err(EFAULT);
    }
    return kstd::min(aligned(kHeader + data), room); // CMSG_SPACE, within the buffer
}

ErrorOr<Socket::AncillaryList> copy_in_ancillary(const msghdr& m)
{
    Socket::AncillaryList list;
    TRY(for_each_control_message(m, [&](const cmsghdr& h, const uint8_t* data) -> ErrorOr<void> {
        if (h.cmsg_level != kIpLevel && h.cmsg_level != kIpv6Level)
            return {};
        Socket::Ancillary a {};
        a.level = h.cmsg_level;
        a.type = h.cmsg_type;
        a.length = uint32_t(h.cmsg_len - kHeader);
        memcpy(a.data, data, kstd::min<size_t>(a.length, sizeof a.data));
        if (!list.append(a))
            return err(ENOMEM);
        return {};
    }));
    return list;
}

ErrorOr<uint64_t> copy_out_ancillary(const Socket::AncillaryList& control, const msghdr& m, int& msg_flags)
{
    uint64_t used = 0, room = m.msg_control ? m.msg_controllen : 0;
    IoBuffer out = IoBuffer::user(uintptr_t(m.msg_control));
    for (const Socket::Ancillary& a : control) {
        uint32_t size = kstd::min<uint32_t>(a.length, sizeof a.data);
        if (used + kHeader + size > room) {
            msg_flags |= MSG_CTRUNC;
            break;
        }
        cmsghdr h { kHeader + size, a.level, a.type };
        TRY(out.write_from(size_t(used), &h, sizeof h));
        TRY(out.write_from(size_t(used + kHeader), a.data, size));
        used = kstd::min(used + aligned(kHeader + size), room);
    }
    return used;
}

} // namespace husk
