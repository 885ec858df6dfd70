#include "Semaphores.h"
#include "../core/WaitQueue.h"
#include "../kstd/HashMap.h"
#include "../kstd/IntrusiveList.h"
#include "../kstd/NeverDestroyed.h"
#include "../proc/Process.h"

namespace husk {

using namespace kstd::errno_values;

namespace {

class SemaphoreSet;

// One process's SEM_UNDO adjustments for one set (Linux's sem_undo): on
// the process's list and on the set's (SETVAL and SETALL clear them,
// IPC_RMID drops them).
struct UndoEntry : kstd::HeapObject {
    SemaphoreSet* set;
    kstd::Vector<int> adjust; // per semaphore
    kstd::ListNode in_set, in_process;
};
using UndoInSet = kstd::IntrusiveList<UndoEntry, &UndoEntry::in_set>;
using UndoInProcess = kstd::IntrusiveList<UndoEntry, &UndoEntry::in_process>;

struct UndoList : kstd::HeapObject {
    UndoInProcess entries;
};

// A caller waiting for its operations (Linux's sem_queue). The waker
// performs them and leaves the outcome in `status`.
struct Pending {
    static constexpr int kWaiting = 1;
    const linux::sembuf* ops;
    size_t count;
    UndoEntry* undo;
    uint32_t pid;
    bool alters;
    const linux::sembuf* blocking { nullptr }; // the operation that could not be done
    int status { kWaiting };                  // then 0 or -errno
    WaitQueue waiter;
    kstd::ListNode node;
};

class SemaphoreSet : public kstd::RefCounted<SemaphoreSet>, public kstd::HeapObject, public IpcObject {
public:
    struct Semaphore {
        int value { 0 };
        uint32_t pid { 0 };
    };
    kstd::Vector<Semaphore> semaphores;
    int64_t otime { 0 };
    kstd::IntrusiveList<Pending, &Pending::node> pending;
    UndoInSet undos;

    // Performs ops (Linux's perform_atomic_semop_slow): 0 when done, 1 when
    // they would block (`blocking` says which), -errno; nothing changes
    // unless they are done.
    int perform(Pending& p);
    // Retries the waiters in order after a change.
    void update();
    // Waits for p's outcome until the deadline or a signal: the one place a
    // semaphore caller sleeps (an interrupted semop leaves the queue with
    // EINTR, as Linux: it is never restarted, whatever SA_RESTART says).
    WaitQueue::Result sleep(Pending& p, uint64_t deadline) { return p.waiter.wait_interruptible(deadline); }
    // semncnt / semzcnt: waiters blocked on semaphore n for a decrease or zero.
    int count_waiters(size_t n, bool for_zero);
};

size_t g_total_semaphores;

IpcTable<SemaphoreSet>& sets()
{
    static kstd::NeverDestroyed<IpcTable<SemaphoreSet>> table { size_t(linux::SEMMNI) };
    return table.get();
}

kstd::HashMap<uint32_t, UndoList*>& undo_lists()
{
    static kstd::NeverDestroyed<kstd::HashMap<uint32_t, UndoList*>> lists;
    return lists.get();
}

int SemaphoreSet::perform(Pending& p)
{
    size_t done = 0;
    int result = 0;
    for (; done < p.count; ++done) {
        const linux::sembuf& op = p.ops[done];
        Semaphore& s = semaphores[op.sem_num];
        int value = s.value;
        if ((op.sem_op == 0 && value != 0) || value + op.sem_op < 0) {
            p.blocking = &op;
            result = (op.sem_flg & linux::IPC_NOWAIT) ? -EAGAIN : 1;
            break;
        }
        value += op.sem_op;
        if (value > linux::SEMVMX) {
            result = -ERANGE;
            break;
        }
        if (op.sem_flg & linux::SEM_UNDO) {
            int adjust = p.undo->adjust[op.sem_num] - op.sem_op;
            if (adjust < -linux::SEMAEM - 1 || adjust > linux::SEMAEM) {
                result = -ERANGE;
                break;
            }
            p.undo->adjust[op.sem_num] = adjust;
        }
        s.value = value;
    }
    if (result == 0) {
        for (size_t i = 0; i < p.count; ++i)
            semaphores[p.ops[i].sem_num].pid = p.pid;
        return 0;
    }
    while (done-- > 0) { // undo what was done
        const linux::sembuf& op = p.ops[done];
        semaphores[op.sem_num].value -= op.sem_op;
        if (op.sem_flg & linux::SEM_UNDO)
            p.undo->adjust[op.sem_num] += op.sem_op;
    }
    return result;
}

void SemaphoreSet::update()
{
    bool again = true;
    while (again) {
        again = false;
        for (Pending& p : pending) {
            int r = perform(p);
            if (r == 1)
                continue;
            kstd::IntrusiveList<Pending, &Pending::node>::remove(p);
            p.status = r;
            p.waiter.wake_one();
            if (r == 0 && p.alters) {
                again = true; // values changed: earlier waiters may go now
                break;
            }
        }
    }
}

int SemaphoreSet::count_waiters(size_t n, bool for_zero)
{
    int count = 0;
    for (Pending& p : pending)
        if (p.blocking && p.blocking->sem_num == n && (for_zero ? p.blocking->sem_op == 0 : p.blocking->sem_op < 0))
            ++count;
    return count;
}

// The caller's undo entry for set, made if needed (ENOMEM).
ErrorOr<UndoEntry*> undo_entry(uint32_t pid, SemaphoreSet& set)
{
    UndoList** slot = undo_lists().get(pid);
    UndoList* list = slot ? *slot : nullptr;
    if (list)
        for (UndoEntry& e : list->entries)
            if (e.set == &set)
                return &e;
    if (!list) {
        list = new UndoList();
        if (!list || !undo_lists().set(pid, list)) {
            delete list;
            return err(ENOMEM);
        }
    }
    auto* e = new UndoEntry();
    if (!e)
        return err(ENOMEM);
    e->set = &set;
    if (!e->adjust.resize(set.semaphores.size())) {
        delete e;
        return err(ENOMEM);
    }
    list->entries.append(*e);
    set.undos.append(*e);
    return e;
}

void remove(SemaphoreSet& set)
{
    RefPtr<SemaphoreSet> hold(&set);
    set.removed = true;
    sets().remove(set);
    g_total_semaphores -= set.semaphores.size();
    while (Pending* p = set.pending.take_first()) {
        p->status = -EIDRM;
        p->waiter.wake_one();
    }
    while (UndoEntry* e = set.undos.take_first()) {
        UndoInProcess::remove(*e);
        delete e;
    }
}

void fill(const SemaphoreSet& set, linux::semid64_ds& ds)
{
    ds = {};
    set.fill(ds.sem_perm);
    ds.sem_otime = set.otime;
    ds.sem_ctime = set.ctime;
    ds.sem_nsems = set.semaphores.size();
}

} // namespace

ErrorOr<long> Semaphores::get(const IpcCaller& caller, int32_t key, int count, int flags)
{
    if (count < 0 || count > linux::SEMMSL)
        return err(EINVAL);
    auto check = [&](SemaphoreSet& set) -> ErrorOr<void> {
        if (size_t(count) > set.semaphores.size())
            return err(EINVAL);
        return {};
    };
    auto make = [&]() -> ErrorOr<RefPtr<SemaphoreSet>> {
        if (count == 0)
            return err(EINVAL);
        if (g_total_semaphores + size_t(count) > size_t(linux::SEMMNS))
            return err(ENOSPC);
        auto set = kstd::adopt_new<SemaphoreSet>();
        if (!set || !set->semaphores.resize(size_t(count)))
            return err(ENOMEM);
        set->otime = 0;
        g_total_semaphores += size_t(count);
        return set;
    };
    long id = TRY(ipc_get(sets(), caller, key, flags, check, make));
    return id;
}

ErrorOr<void> Semaphores::check_operation_count(int id, size_t count)
{
    if (count < 1 || id < 0)
        return err(EINVAL);
    if (count > size_t(linux::SEMOPM))
        return err(E2BIG);
    return {};
}

ErrorOr<long> Semaphores::operate(const IpcCaller& caller, int id, const linux::sembuf* ops, size_t count,
                                  uint64_t deadline)
{
    TRY(check_operation_count(id, count));
    size_t highest = 0;
    bool undo = false, alters = false;
    for (size_t i = 0; i < count; ++i) {
        highest = kstd::max<size_t>(highest, ops[i].sem_num);
        undo |= (ops[i].sem_flg & linux::SEM_UNDO) != 0;
        alters |= ops[i].sem_op != 0;
    }
    SemaphoreSet* set = TRY(sets().find(id));
    if (highest >= set->semaphores.size())
        return err(EFBIG);
    TRY(set->check_access(caller.credentials, alters ? IpcObject::kWritable : IpcObject::kReadable));
    Pending p;
    p.ops = ops;
    p.count = count;
    p.undo = undo ? TRY(undo_entry(caller.pid, *set)) : nullptr;
    p.pid = caller.pid;
    p.alters = alters;
    int r = set->perform(p);
    if (r <= 0) {
        if (r < 0)
            return err(-r);
        set->otime = ipc_now();
        if (alters)
            set->update();
        return 0;
    }
    // Wait for a waker to do them (or the set to go, or the deadline).
    RefPtr<SemaphoreSet> hold(set);
    set->pending.append(p);
    while (p.status == Pending::kWaiting) {
        WaitQueue::Result woke = set->sleep(p, deadline);
        if (p.status != Pending::kWaiting)
            break; // a waker did them (or the set went), whatever ended the sleep
        if (woke == WaitQueue::Result::TimedOut) {
            kstd::IntrusiveList<Pending, &Pending::node>::remove(p);
            return err(EAGAIN); // semtimedop's timeout
        }
        if (woke == WaitQueue::Result::Interrupted) {
            kstd::IntrusiveList<Pending, &Pending::node>::remove(p);
            return err(EINTR);
        }
    }
    if (p.status < 0)
        return err(-p.status);
    set->otime = ipc_now();
    return 0;
}

ErrorOr<long> Semaphores::control(const IpcCaller& caller, int id, int number, int cmd, int value, IoBuffer array,
                                  linux::semid64_ds& ds)
{
    if (cmd == linux::SETVAL && (value < 0 || value > linux::SEMVMX))
        return err(ERANGE);
    if (id < 0)
        return err(EINVAL);
    bool by_index = cmd == linux::SEM_STAT || cmd == linux::SEM_STAT_ANY;
    SemaphoreSet* set = by_index ? TRY(sets().at_index(id)) : TRY(sets().find(id));
    size_t n = set->semaphores.size();
    switch (cmd) {
    case linux::IPC_STAT:
    case linux::SEM_STAT:
        TRY(set->check_access(caller.credentials, IpcObject::kReadable));
        [[fallthrough]];
    case linux::SEM_STAT_ANY:
        fill(*set, ds);
        return cmd == linux::IPC_STAT ? 0 : set->id;
    case linux::IPC_SET:
        TRY(set->check_owner(caller.credentials));
        if (ds.sem_perm.uid == ~0u || ds.sem_perm.gid == ~0u)
            return err(EINVAL);
        set->set(ds.sem_perm);
        return 0;
    case linux::IPC_RMID:
        TRY(set->check_owner(caller.credentials));
        remove(*set);
        return 0;
    case linux::GETALL: {
        TRY(set->check_access(caller.credentials, IpcObject::kReadable));
        kstd::Vector<uint16_t> values;
        if (!values.resize(n))
            return err(ENOMEM);
        for (size_t i = 0; i < n; ++i)
            values[i] = uint16_t(set->semaphores[i].value);
        TRY(array.write_from(0, values.data(), n * sizeof(uint16_t)));
        return 0;
    }
    case linux::SETALL: {
        TRY(set->check_access(caller.credentials, IpcObject::kWritable));
        kstd::Vector<uint16_t> values;
        if (!values.resize(n))
            return err(ENOMEM);
        TRY(array.read_into(values.data(), 0, n * sizeof(uint16_t)));
        for (uint16_t v : values)
            if (v > linux::SEMVMX)
                return err(ERANGE);
        for (size_t i = 0; i < n; ++i)
            set->semaphores[i] = { values[i], caller.pid };
        for (UndoEntry& e : set->undos)
            for (int& a : e.adjust)
                a = 0;
        set->ctime = ipc_now();
        set->update();
        return 0;
    }
    case linux::SETVAL:
        if (number < 0 || size_t(number) >= n)
            return err(EINVAL);
        TRY(set->check_access(caller.credentials, IpcObject::kWritable));
        set->semaphores[size_t(number)] = { value, caller.pid };
        for (UndoEntry& e : set->undos)
            e.adjust[size_t(number)] = 0;
        set->ctime = ipc_now();
        set->update();
        return 0;
    case linux::GETVAL:
    case linux::GETPID:
    case linux::GETNCNT:
    case linux::GETZCNT:
        TRY(set->check_access(caller.credentials, IpcObject::kReadable));
        if (number < 0 || size_t(number) >= n)
            return err(EINVAL);
        if (cmd == linux::GETVAL)
            return set->semaphores[size_t(number)].value;
        if (cmd == linux::GETPID)
            return long(set->semaphores[size_t(number)].pid);
        return set->count_waiters(size_t(number), cmd == linux::GETZCNT);
    default:
        return err(EINVAL);
    }
}

ErrorOr<long> Semaphores::info(int id, int cmd, linux::seminfo& out)
{
    if (id < 0)
        return err(EINVAL);
    out = {};
    out.semmni = linux::SEMMNI;
    out.semmns = linux::SEMMNS;
    out.semmsl = linux::SEMMSL;
    out.semopm = linux::SEMOPM;
    out.semvmx = linux::SEMVMX;
    out.semmnu = linux::SEMMNU;
    out.semmap = linux::SEMMAP;
    out.semume = linux::SEMUME;
    bool usage = cmd == linux::SEM_INFO;
    out.semusz = usage ? int32_t(sets().count()) : linux::SEMUSZ;
    out.semaem = usage ? int32_t(g_total_semaphores) : linux::SEMAEM;
    return sets().highest_index();
}

void Semaphores::process_exited(Process& process)
{
    uint32_t pid = process.pid();
    UndoList** slot = undo_lists().get(pid);
    if (!slot)
        return;
    UndoList* list = *slot;
    undo_lists().remove(pid);
    // As Linux's exit_sem: each adjustment is added, the value kept within
    // [0, SEMVMX], and the set's waiters retried.
    while (UndoEntry* e = list->entries.take_first()) {
        SemaphoreSet& set = *e->set;
        UndoInSet::remove(*e);
        for (size_t i = 0; i < e->adjust.size(); ++i) {
            if (!e->adjust[i])
                continue;
            auto& s = set.semaphores[i];
            s.value = kstd::min(kstd::max(s.value + e->adjust[i], 0), linux::SEMVMX);
            s.pid = pid;
        }
        delete e;
        set.update();
    }
    delete list;
}

} // namespace husk
