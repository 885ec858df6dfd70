#include "MessageQueues.h"
#include "../core/Heap.h"
#include "../core/WaitQueue.h"
#include "../kstd/IntrusiveList.h"
#include "../kstd/NeverDestroyed.h"

namespace husk {

using namespace kstd::errno_values;

namespace {

struct Message {
    long type;
    size_t size;
    kstd::ListNode node;
    uint8_t* text() { return reinterpret_cast<uint8_t*>(this + 1); }

    static Message* create(long type, size_t size)
    {
        void* memory = Heap::allocate(sizeof(Message) + size);
        if (!memory)
            return nullptr;
        return new (kstd::placement, memory) Message { type, size, {} };
    }
    static void destroy(Message* m) { Heap::free(m); }
};

class MessageQueue : public kstd::RefCounted<MessageQueue>, public kstd::HeapObject, public IpcObject {
public:
    ~MessageQueue()
    {
        while (Message* m = messages.take_first())
            Message::destroy(m);
    }

    kstd::IntrusiveList<Message, &Message::node> messages;
    size_t bytes { 0 }, count { 0 };
    size_t max_bytes { size_t(linux::MSGMNB) };
    int64_t stime { 0 }, rtime { 0 };
    uint32_t lspid { 0 }, lrpid { 0 };
    WaitQueue senders, receivers;

    // Whether a message of `size` bytes fits now (Linux also counts the
    // messages against msg_qbytes).
    bool fits(size_t size) const { return size + bytes <= max_bytes && 1 + count <= max_bytes; }
    Message* find(long type, int flags);
    // The one place senders and receivers sleep; a signal ends the wait
    // with ERESTARTNOHAND, as Linux: EINTR when a handler ran (never
    // restarted, whatever SA_RESTART says), made again when none did (a
    // stop and continue).
    kstd::ErrorOr<void> sleep(WaitQueue& queue)
    {
        if (queue.wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(kstd::ERESTARTNOHAND);
        return {};
    }
};

size_t g_total_messages, g_total_bytes;

IpcTable<MessageQueue>& queues()
{
    static kstd::NeverDestroyed<IpcTable<MessageQueue>> table { size_t(linux::MSGMNI) };
    return table.get();
}

Message* MessageQueue::find(long type, int flags)
{
    if (flags & linux::MSG_COPY) { // the type is a position
        long at = 0;
        for (Message& m : messages)
            if (at++ == type)
                return &m;
        return nullptr;
    }
    if (type == 0)
        return messages.first();
    if (type < 0) {
        // The lowest type up to |type|, the first sent of it.
        long bound = type == INT64_MIN ? INT64_MAX : -type;
        Message* best = nullptr;
        for (Message& m : messages)
            if (m.type <= bound && (!best || m.type < best->type))
                best = &m;
        return best;
    }
    for (Message& m : messages)
        if ((flags & linux::MSG_EXCEPT) ? m.type != type : m.type == type)
            return &m;
    return nullptr;
}

void remove(MessageQueue& q)
{
    RefPtr<MessageQueue> hold(&q);
    q.removed = true;
    queues().remove(q);
    g_total_messages -= q.count;
    g_total_bytes -= q.bytes;
    q.senders.wake_all();
    q.receivers.wake_all();
}

void fill(const MessageQueue& q, linux::msqid64_ds& ds)
{
    ds = {};
    q.fill(ds.msg_perm);
    ds.msg_stime = q.stime;
    ds.msg_rtime = q.rtime;
    ds.msg_ctime = q.ctime;
    ds.msg_cbytes = q.bytes;
    ds.msg_qnum = q.count;
    ds.msg_qbytes = q.max_bytes;
    ds.msg_lspid = int32_t(q.lspid);
    ds.msg_lrpid = int32_t(q.lrpid);
}

} // namespace

ErrorOr<long> MessageQueues::get(const IpcCaller& caller, int32_t key, int flags)
{
    auto check = [](MessageQueue&) -> ErrorOr<void> { return {}; };
    auto make = []() -> ErrorOr<RefPtr<MessageQueue>> {
        auto q = kstd::adopt_new<MessageQueue>();
        if (!q)
            return err(ENOMEM);
        return q;
    };
    return ipc_get(queues(), caller, key, flags, check, make);
}

ErrorOr<long> MessageQueues::send(const IpcCaller& caller, int id, long type, IoBuffer text, int64_t size, int flags)
{
    // Linux's order: the size and type, the text copied in, then the queue.
    if (size > linux::MSGMAX || size < 0 || id < 0)
        return err(EINVAL);
    if (type < 1)
        return err(EINVAL);
    Message* m = Message::create(type, size_t(size));
    if (!m)
        return err(ENOMEM);
    if (auto r = text.read_into(m->text(), 0, size_t(size)); r.is_error()) {
        Message::destroy(m);
        return r.error();
    }
    auto found = queues().find(id);
    if (found.is_error()) {
        Message::destroy(m);
        return found.error();
    }
    RefPtr<MessageQueue> q(found.value());
    if (auto r = q->check_access(caller.credentials, IpcObject::kWritable); r.is_error()) {
        Message::destroy(m);
        return r.error();
    }
    while (!q->removed && !q->fits(size_t(size))) {
        if (flags & linux::IPC_NOWAIT) {
            Message::destroy(m);
            return err(EAGAIN);
        }
        if (auto slept = q->sleep(q->senders); slept.is_error()) {
            Message::destroy(m);
            return slept.error();
        }
    }
    if (q->removed) {
        Message::destroy(m);
        return err(EIDRM);
    }
    q->messages.append(*m);
    q->count++;
    q->bytes += size_t(size);
    g_total_messages++;
    g_total_bytes += size_t(size);
    q->lspid = caller.pid;
    q->stime = ipc_now();
    q->receivers.wake_all(); // each looks for its own type
    return 0;
}

ErrorOr<long> MessageQueues::receive(const IpcCaller& caller, int id, IoBuffer message, int64_t size, long type,
                                     int flags)
{
    if (id < 0 || size < 0)
        return err(EINVAL);
    if (flags & linux::MSG_COPY) {
        // A copy of the message at position `type`, left in the queue.
        if ((flags & linux::MSG_EXCEPT) || !(flags & linux::IPC_NOWAIT))
            return err(EINVAL);
    }
    RefPtr<MessageQueue> q(TRY(queues().find(id)));
    TRY(q->check_access(caller.credentials, IpcObject::kReadable));
    Message* m;
    for (;;) {
        if (q->removed)
            return err(EIDRM);
        m = q->find(type, flags);
        if (m) {
            if (m->size > size_t(size) && !(flags & linux::MSG_NOERROR))
                return err(E2BIG); // the message stays
            break;
        }
        if (flags & linux::IPC_NOWAIT)
            return err(ENOMSG);
        TRY(q->sleep(q->receivers));
    }
    size_t n = kstd::min(m->size, size_t(size));
    if (flags & linux::MSG_COPY) {
        if (m->size > size_t(size))
            return err(EINVAL); // Linux's copy_msg: MSG_NOERROR does not cut a copy
        TRY(message.write_from(0, &m->type, sizeof m->type));
        TRY(message.write_from(sizeof m->type, m->text(), n));
        return long(n);
    }
    kstd::IntrusiveList<Message, &Message::node>::remove(*m);
    q->count--;
    q->bytes -= m->size;
    g_total_messages--;
    g_total_bytes -= m->size;
    q->lrpid = caller.pid;
    q->rtime = ipc_now();
    q->senders.wake_all();
    // As Linux, a message whose copy-out fails is lost (EFAULT).
    auto copied = message.write_from(0, &m->type, sizeof m->type);
    if (!copied.is_error())
        copied = message.write_from(sizeof m->type, m->text(), n);
    Message::destroy(m);
    TRY(copied);
    return long(n);
}

ErrorOr<long> MessageQueues::control(const IpcCaller& caller, int id, int cmd, linux::msqid64_ds& ds)
{
    if (id < 0)
        return err(EINVAL);
    bool by_index = cmd == linux::MSG_STAT || cmd == linux::MSG_STAT_ANY;
    MessageQueue* q = by_index ? TRY(queues().at_index(id)) : TRY(queues().find(id));
    switch (cmd) {
    case linux::IPC_STAT:
    case linux::MSG_STAT:
        TRY(q->check_access(caller.credentials, IpcObject::kReadable));
        [[fallthrough]];
    case linux::MSG_STAT_ANY:
        fill(*q, ds);
        return cmd == linux::IPC_STAT ? 0 : q->id;
    case linux::IPC_SET:
        TRY(q->check_owner(caller.credentials));
        if (ds.msg_perm.uid == ~0u || ds.msg_perm.gid == ~0u)
            return err(EINVAL);
        // Raising the limit past MSGMNB takes CAP_SYS_RESOURCE.
        if (ds.msg_qbytes > uint64_t(linux::MSGMNB) && !caller.credentials.capable(Capability::SysResource))
            return err(EPERM);
        q->max_bytes = size_t(ds.msg_qbytes);
        q->set(ds.msg_perm);
        q->senders.wake_all(); // the limit may have grown
        return 0;
    case linux::IPC_RMID:
        TRY(q->check_owner(caller.credentials));
        remove(*q);
        return 0;
    default:
        return err(EINVAL);
    }
}

ErrorOr<long> MessageQueues::info(int id, int cmd, linux::msginfo& out)
{
    if (id < 0)
        return err(EINVAL);
    out = {};
    out.msgmni = linux::MSGMNI;
    out.msgmax = linux::MSGMAX;
    out.msgmnb = linux::MSGMNB;
    out.msgssz = linux::MSGSSZ;
    out.msgseg = uint16_t(linux::MSGSEG);
    bool usage = cmd == linux::MSG_INFO;
    out.msgpool = usage ? int32_t(queues().count()) : linux::MSGPOOL;
    out.msgmap = usage ? int32_t(g_total_messages) : linux::MSGMAP;
    out.msgtql = usage ? int32_t(g_total_bytes) : linux::MSGTQL;
    return queues().highest_index();
}

} // namespace husk
