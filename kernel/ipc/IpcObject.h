// What every System V IPC object has (svipc(7)): its id, key, owner,
// creator and permission bits, and the rules on them: ipcperms (may the
// caller read or alter it: EACCES), who may change or remove it (EPERM),
// the get rules of shmget/semget/msgget. IpcTable<T> holds one kind's
// objects by id (index + sequence * IPCMNI, as Linux numbers them).
#pragma once

#include "../abi/Ipc.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/Vector.h"
#include "../vfs/Credentials.h"

namespace husk {

// Who makes an IPC call: credentials for the permission checks, the pid
// the objects record (shm_lpid, sempid, msg_lspid).
struct IpcCaller {
    Credentials credentials;
    uint32_t pid;
};

struct IpcObject {
    int id { -1 };
    int32_t key { linux::IPC_PRIVATE };
    uint32_t uid { 0 }, gid { 0 }, cuid { 0 }, cgid { 0 };
    uint32_t mode { 0 }; // permission bits, and SHM_DEST / SHM_LOCKED for segments
    uint16_t seq { 0 };
    bool removed { false }; // IPC_RMID: waiters get EIDRM
    int64_t ctime { 0 };

    // A new object's owner and creator are the caller; mode from flags' 0777.
    void init(const IpcCaller& caller, int32_t key, int flags);
    // EACCES unless the caller may `flags & 0777` (what get asks for) or
    // kReadable / kWritable / kExecutable (ipcperms; the superuser may anything).
    static constexpr int kReadable = 0444, kWritable = 0222, kExecutable = 0111;
    kstd::ErrorOr<void> check_access(const Credentials& who, int flags) const;
    // EPERM unless the caller is its owner or creator or the superuser
    // (IPC_SET, IPC_RMID).
    kstd::ErrorOr<void> check_owner(const Credentials& who) const;
    void fill(linux::ipc64_perm& out) const;
    // IPC_SET: the owner, group and permission bits.
    void set(const linux::ipc64_perm& in);
};

// Seconds of the wall clock (the *_time fields).
int64_t ipc_now();
// The pid of the process the current thread runs for (0: none).
uint32_t ipc_current_pid();

template<typename T>
class IpcTable {
public:
    explicit IpcTable(size_t limit) : m_limit(limit) {}

    // The object with this id (EINVAL: none, or a stale id).
    kstd::ErrorOr<T*> find(int id) const
    {
        if (id < 0)
            return kstd::err(kstd::EINVAL);
        size_t index = size_t(id) % linux::IPCMNI;
        if (index >= m_slots.size() || !m_slots[index] || m_slots[index]->seq != id / linux::IPCMNI)
            return kstd::err(kstd::EINVAL);
        return m_slots[index].ptr();
    }
    // The object at slot `index` (SHM_STAT and the like; EINVAL: none).
    kstd::ErrorOr<T*> at_index(int index) const
    {
        if (index < 0 || size_t(index) >= m_slots.size() || !m_slots[size_t(index)])
            return kstd::err(kstd::EINVAL);
        return m_slots[size_t(index)].ptr();
    }
    T* find_key(int32_t key) const
    {
        for (auto& slot : m_slots)
            if (slot && slot->key == key)
                return slot.ptr();
        return nullptr;
    }
    // Gives object an id (ENOSPC past the limit).
    kstd::ErrorOr<void> add(kstd::RefPtr<T> object)
    {
        size_t index = 0;
        while (index < m_slots.size() && m_slots[index])
            ++index;
        if (index >= m_limit)
            return kstd::err(kstd::ENOSPC);
        if (index == m_slots.size() && !m_slots.append(kstd::RefPtr<T>()))
            return kstd::err(kstd::ENOMEM);
        object->seq = m_next_seq;
        m_next_seq = uint16_t(m_next_seq + 1);
        object->id = int(object->seq) * linux::IPCMNI + int(index);
        m_slots[index] = kstd::move(object);
        ++m_count;
        return {};
    }
    // Forgets the object (its id is free again); others may still hold it.
    void remove(const T& object)
    {
        size_t index = size_t(object.id) % linux::IPCMNI;
        if (index < m_slots.size() && m_slots[index].ptr() == &object) {
            m_slots[index].clear();
            --m_count;
        }
    }
    size_t count() const { return m_count; }
    // The highest index in use (what the *_INFO commands return), or 0.
    int highest_index() const
    {
        for (size_t i = m_slots.size(); i-- > 0;)
            if (m_slots[i])
                return int(i);
        return 0;
    }
    template<typename F>
    void for_each(F f) const
    {
        for (auto& slot : m_slots)
            if (slot)
                f(*slot);
    }

private:
    kstd::Vector<kstd::RefPtr<T>> m_slots;
    size_t m_limit;
    size_t m_count { 0 };
    uint16_t m_next_seq { 0 };
};

// shmget/semget/msgget: the object of `key` (IPC_PRIVATE: always a new
// one), with Linux's rules: ENOENT without IPC_CREAT, EEXIST with
// IPC_CREAT|IPC_EXCL, `check` (the size or count is too large: EINVAL),
// then the permission the flags ask for (EACCES). make() creates one.
template<typename T, typename Check, typename Make>
kstd::ErrorOr<long> ipc_get(IpcTable<T>& table, const IpcCaller& caller, int32_t key, int flags, Check check, Make make)
{
    T* found = key == linux::IPC_PRIVATE ? nullptr : table.find_key(key);
    if (!found) {
        if (key != linux::IPC_PRIVATE && !(flags & linux::IPC_CREAT))
            return kstd::err(kstd::ENOENT);
        kstd::RefPtr<T> made = TRY(make());
        made->init(caller, key, flags);
        TRY(table.add(made));
        return made->id;
    }
    if ((flags & linux::IPC_CREAT) && (flags & linux::IPC_EXCL))
        return kstd::err(kstd::EEXIST);
    TRY(check(*found));
    TRY(found->check_access(caller.credentials, flags));
    return found->id;
}

} // namespace husk
