// Control messages (cmsg(3)) between a program and the kernel, for
// sendmsg and recvmsg: on AF_UNIX sockets SCM_RIGHTS descriptors become
// open files on the way in, and received files become descriptors of the
// receiver on the way out; on Internet sockets the IP levels' messages
// (IP_PKTINFO, ...) travel as Socket::Ancillary values. The socket layer
// sees only the files and the values.
#pragma once

#include "../abi/Linux.h"
#include "../net/Socket.h"

namespace husk {

class FdTable;

// sendmsg: the files named by the SCM_RIGHTS messages of m's control
// buffer, with Linux's rules (__scm_send): EINVAL for a header whose
// length is short or runs past the buffer, for another SOL_SOCKET type
// and for more than SCM_MAX_FD descriptors; EBADF for one not open;
// ENOBUFS for a buffer over 128 KiB. Other levels are skipped;
// SCM_CREDENTIALS is accepted and not passed on.
kstd::ErrorOr<Socket::PassedFiles> copy_in_rights(const linux::msghdr& m, const FdTable& fds);

// recvmsg: installs as many of `files` in `fds` as m's control buffer has
// room for (close-on-exec with MSG_CMSG_CLOEXEC), writes them there as one
// SCM_RIGHTS message and returns the control length used (msg_controllen).
// Those that did not fit are closed and msg_flags gets MSG_CTRUNC.
kstd::ErrorOr<uint64_t> copy_out_rights(Socket::PassedFiles files, const linux::msghdr& m, FdTable& fds,
                                        bool cloexec, int& msg_flags);

// sendmsg on an Internet socket: the IPPROTO_IP and IPPROTO_IPV6 messages
// of m's control buffer, in order (EINVAL for a header whose length is
// short or runs past the buffer, ENOBUFS for a buffer over 128 KiB, as
// Linux); SOL_SOCKET's and other levels' are skipped.
kstd::ErrorOr<Socket::AncillaryList> copy_in_ancillary(const linux::msghdr& m);

// recvmsg: writes `control` into m's control buffer, each message aligned
// (CMSG_SPACE), and returns the length used; a message that does not fit
// sets MSG_CTRUNC and ends the list.
kstd::ErrorOr<uint64_t> copy_out_ancillary(const Socket::AncillaryList& control, const linux::msghdr& m,
                                           int& msg_flags);

} // namespace husk
