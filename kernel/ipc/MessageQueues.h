// System V message queues (msgget, msgsnd, msgrcv, msgctl). A queue keeps
// its messages in the order sent; msgrcv takes the first one, the first of
// a type, the first of another type (MSG_EXCEPT) or the first of the
// lowest type up to a bound, as msgrcv(2) says. A sender waits while the
// queue's bytes (or message count) would pass msg_qbytes (MSGMNB, 16384,
// by default), a receiver while nothing matches; IPC_NOWAIT makes those
// EAGAIN and ENOMSG, IPC_RMID wakes both with EIDRM.
#pragma once

#include "../vfs/IoBuffer.h"
#include "IpcObject.h"

namespace husk {

class MessageQueues {
public:
    static kstd::ErrorOr<long> get(const IpcCaller& caller, int32_t key, int flags);
    // msgsnd: `size` bytes of text (read from `text`) of type `type`.
    static kstd::ErrorOr<long> send(const IpcCaller& caller, int id, long type, IoBuffer text, int64_t size, int flags);
    // msgrcv: a message's type (a long) then up to `size` bytes of its text
    // go to `message`; returns the text's length.
    static kstd::ErrorOr<long> receive(const IpcCaller& caller, int id, IoBuffer message, int64_t size, long type,
                                       int flags);
    // msgctl: IPC_STAT, MSG_STAT, MSG_STAT_ANY (ds out), IPC_SET (ds in), IPC_RMID.
    static kstd::ErrorOr<long> control(const IpcCaller& caller, int id, int cmd, linux::msqid64_ds& ds);
    // IPC_INFO (the limits) and MSG_INFO (what is in use): the highest
    // index in use.
    static kstd::ErrorOr<long> info(int id, int cmd, linux::msginfo& out);
};

} // namespace husk
