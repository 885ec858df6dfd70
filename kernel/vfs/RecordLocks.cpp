#include "RecordLocks.h"
#include "../abi/Linux.h"
#include "../core/WaitQueue.h"
#include "../kstd/NeverDestroyed.h"
#include "../kstd/Vector.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
struct Lock {
    const Vnode* vnode;
    RecordLocks::Owner owner;
    short type;
    uint64_t start, end;
};
// Who sleeps in F_SETLKW, and for whom (deadlock detection).
struct Waiting {
    const void* waiter;
    const void* holder;
};

// Few files are locked at a time: one flat list, scanned.
kstd::Vector<Lock>& locks()
{
    static kstd::NeverDestroyed<kstd::Vector<Lock>> list;
    return list.get();
}
kstd::Vector<Waiting>& waiting()
{
    static kstd::NeverDestroyed<kstd::Vector<Waiting>> list;
    return list.get();
}
WaitQueue& changes()
{
    static kstd::NeverDestroyed<WaitQueue> queue;
    return queue.get();
}

bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 <= b1 && b0 <= a1; }
bool touches(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return overlaps(a0, a1, b0, b1) || (a1 != UINT64_MAX && a1 + 1 == b0) || (b1 != UINT64_MAX && b1 + 1 == a0);
}

const Lock* conflicting(const Vnode& v, const RecordLocks::Owner& owner, const RecordLocks::Request& req)
{
    for (const Lock& l : locks()) {
        if (l.vnode != &v || l.owner.key == owner.key || !overlaps(l.start, l.end, req.start, req.end))
            continue;
        if (l.type == linux::F_WRLCK || req.type == linux::F_WRLCK)
            return &l;
    }
    return nullptr;
}

// Whether holder already waits, directly or through others, for waiter.
bool waits_for(const void* holder, const void* waiter)
{
    for (int depth = 0; depth < 64 && holder; ++depth) {
        const void* next = nullptr;
        for (const Waiting& w : waiting())
            if (w.waiter == holder)
                next = w.holder;
        if (next == waiter)
            return true;
        holder = next;
    }
    return false;
}

// Keeps Linux's order, which F_GETLK shows when several locks conflict:
// owners in the order of their first lock, each owner's locks by start.
void insert(kstd::Vector<Lock>& list, const Lock& lock)
{
    size_t at = list.size();
    bool seen = false;
    for (size_t i = 0; i < list.size(); ++i) {
        if (list[i].vnode != lock.vnode || list[i].owner.key != lock.owner.key)
            continue;
        seen = true;
        at = i + 1;
        if (list[i].start > lock.start) {
            at = i;
            break;
        }
    }
    if (!seen)
        at = list.size();
    (void)list.append(lock); // capacity reserved by the caller
    for (size_t i = list.size() - 1; i > at; --i) {
        Lock t = list[i - 1];
        list[i - 1] = list[i];
        list[i] = t;
    }
}

// Drops owner's locks (on vnode v only, unless v is null) and wakes waiters.
void remove_locks(const Vnode* v, const void* owner_key)
{
    auto& list = locks();
    bool any = false;
    for (size_t i = 0; i < list.size();) {
        if (list[i].owner.key == owner_key && (!v || list[i].vnode == v)) {
            list.remove(i);
            any = true;
        } else {
            ++i;
        }
    }
    if (any)
        changes().wake_all();
}

void remove_waiting(const void* waiter)
{
    auto& list = waiting();
    for (size_t i = 0; i < list.size(); ++i)
        if (list[i].waiter == waiter) {
            list.remove(i);
            return;
        }
}
} // namespace

bool RecordLocks::find_conflict(const Vnode& v, const Owner& owner, const Request& req, Conflict& out)
{
    const Lock* l = conflicting(v, owner, req);
    if (!l)
        return false;
    out = { l->type, l->start, l->end, l->owner.ofd ? -1 : int32_t(l->owner.pid) };
    return true;
}

kstd::ErrorOr<void> RecordLocks::set(const Vnode& v, const Owner& owner, const Request& req, bool wait)
{
    if (req.type != linux::F_UNLCK) {
        while (const Lock* l = conflicting(v, owner, req)) {
            if (!wait)
                return err(EAGAIN);
            if (!owner.ofd && !l->owner.ofd && waits_for(l->owner.key, owner.key))
                return err(EDEADLK);
            if (!waiting().append({ owner.key, l->owner.key }))
                return err(ENOLCK);
            auto waited = changes().wait_interruptible();
            remove_waiting(owner.key);
            if (waited == WaitQueue::Result::Interrupted)
                return err(kstd::ERESTARTSYS); // F_SETLKW: EINTR, or waits again after SA_RESTART
        }
    }
    auto& list = locks();
    // Splitting one lock and adding the new one needs two more entries at most.
    if (!list.ensure_capacity(list.size() + 2))
        return err(ENOLCK);
    uint64_t start = req.start, end = req.end;
    for (size_t i = 0; i < list.size();) {
        Lock l = list[i];
        if (l.vnode != &v || l.owner.key != owner.key || !touches(l.start, l.end, req.start, req.end)) {
            ++i;
            continue;
        }
        if (l.type == req.type) { // same kind: merge into the new range
            start = kstd::min(start, l.start);
            end = kstd::max(end, l.end);
            list.remove(i);
            continue;
        }
        if (!overlaps(l.start, l.end, req.start, req.end)) {
            ++i; // adjacent but of the other kind: stays
            continue;
        }
        list.remove(i);
        if (l.start < req.start)
            insert(list, { l.vnode, l.owner, l.type, l.start, req.start - 1 });
        if (l.end > req.end)
            insert(list, { l.vnode, l.owner, l.type, req.end + 1, l.end });
    }
    if (req.type != linux::F_UNLCK)
        insert(list, { &v, owner, req.type, start, end });
    changes().wake_all();
    return {};
}

void RecordLocks::release(const Vnode& v, const void* owner_key) { remove_locks(&v, owner_key); }

void RecordLocks::release_all(const void* owner_key) { remove_locks(nullptr, owner_key); }

} // namespace husk
