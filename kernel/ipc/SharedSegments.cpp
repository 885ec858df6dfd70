#include "SharedSegments.h"
#include "../kstd/NeverDestroyed.h"
#include "../mm/AddressSpace.h"

namespace husk {

using namespace kstd::errno_values;

namespace {

class Segment final : public SharedMemory, public IpcObject {
public:
    explicit Segment(uint64_t bytes) : size(bytes) { set_end(bytes); }

    uint64_t size;
    int64_t atime { 0 }, dtime { 0 };
    uint32_t cpid { 0 }, lpid { 0 };
    uint64_t nattch { 0 };

    uint64_t mapped_size() const { return (size + AddressSpace::kPage - 1) & ~uint64_t(AddressSpace::kPage - 1); }

private:
    // Linux's shm_open / shm_close: an attachment came (shmat, fork, a
    // split) or went (shmdt, munmap, exit, execve).
    void opened() override;
    void closed() override;
};

IpcTable<Segment>& segments()
{
    static kstd::NeverDestroyed<IpcTable<Segment>> table { size_t(linux::SHMMNI) };
    return table.get();
}

void Segment::opened()
{
    ++nattch;
    atime = ipc_now();
    lpid = ipc_current_pid();
}

void Segment::closed()
{
    --nattch;
    dtime = ipc_now();
    lpid = ipc_current_pid();
    if (nattch == 0 && (mode & linux::SHM_DEST))
        segments().remove(*this); // the regions still hold it until they go
}

// The segment a region maps, if it is one.
Segment* segment_of(const SharedMemory* object)
{
    Segment* found = nullptr;
    segments().for_each([&](Segment& s) {
        if (static_cast<const SharedMemory*>(&s) == object)
            found = &s;
    });
    return found;
}

void remove(Segment& s)
{
    // IPC_RMID: the key is free at once; the segment goes with its last
    // attachment (shmat may still attach it by id until then, as Linux).
    s.mode |= linux::SHM_DEST;
    s.key = linux::IPC_PRIVATE;
    if (s.nattch == 0)
        segments().remove(s);
}

void fill(const Segment& s, linux::shmid64_ds& ds)
{
    ds = {};
    s.fill(ds.shm_perm);
    ds.shm_segsz = s.size;
    ds.shm_atime = s.atime;
    ds.shm_dtime = s.dtime;
    ds.shm_ctime = s.ctime;
    ds.shm_cpid = int32_t(s.cpid);
    ds.shm_lpid = int32_t(s.lpid);
    ds.shm_nattch = s.nattch;
}

} // namespace

ErrorOr<long> SharedSegments::get(const IpcCaller& caller, int32_t key, uint64_t size, int flags)
{
    auto check = [&](Segment& s) -> ErrorOr<void> {
        if (s.size < size)
            return err(EINVAL);
        return {};
    };
    auto make = [&]() -> ErrorOr<RefPtr<Segment>> {
        if (size < linux::SHMMIN || size > linux::SHMMAX)
            return err(EINVAL);
        auto s = kstd::adopt_new<Segment>(size);
        if (!s)
            return err(ENOMEM);
        s->cpid = caller.pid;
        return s;
    };
    return ipc_get(segments(), caller, key, flags, check, make);
}

ErrorOr<uintptr_t> SharedSegments::attach(const IpcCaller& caller, AddressSpace& space, int id, uintptr_t addr,
                                          int flags)
{
    bool fixed = addr != 0;
    if (fixed && (addr & (linux::SHMLBA - 1))) {
        if (!(flags & linux::SHM_RND))
            return err(EINVAL);
        addr &= ~(linux::SHMLBA - 1); // SHM_RND: round down
        if (!addr && (flags & linux::SHM_REMAP))
            return err(EINVAL);
    } else if (!fixed && (flags & linux::SHM_REMAP)) {
        return err(EINVAL);
    }
    Segment* s = TRY(segments().find(id));
    bool read_only = flags & linux::SHM_RDONLY;
    bool exec = flags & linux::SHM_EXEC;
    int wanted = IpcObject::kReadable | (read_only ? 0 : IpcObject::kWritable) | (exec ? IpcObject::kExecutable : 0);
    TRY(s->check_access(caller.credentials, wanted));
    unsigned prot = HUSK_PROT_READ | (read_only ? 0 : HUSK_PROT_WRITE) | (exec ? HUSK_PROT_EXEC : 0);
    size_t size = size_t(s->mapped_size());
    AddressSpace::Backing backing;
    backing.shared = RefPtr<SharedMemory>(static_cast<SharedMemory*>(s));
    backing.may_write = !read_only;
    if (!fixed)
        return TRY(space.map_anywhere(size, prot, kstd::move(backing)));
    if (addr + size < addr || (!(flags & linux::SHM_REMAP) && !space.is_free(addr, size)))
        return err(EINVAL);
    TRY(space.map_fixed(addr, size, prot, kstd::move(backing)));
    return addr;
}

ErrorOr<void> SharedSegments::detach(AddressSpace& space, uintptr_t addr)
{
    if (addr & (AddressSpace::kPage - 1))
        return err(EINVAL);
    // As Linux: the first region at or above addr that maps a segment from
    // a page that would put the segment's start at addr; then every region
    // of that segment within its size from addr.
    for (const AddressSpace::Region& r : space.regions()) {
        if (r.start < addr || !r.shared || (r.start - addr) / AddressSpace::kPage != r.shared_first)
            continue;
        Segment* s = segment_of(r.shared.ptr());
        if (!s)
            continue;
        RefPtr<Segment> hold(s); // its last detach may free it
        TRY(space.unmap_object(addr, size_t(s->mapped_size()), *s));
        return {};
    }
    return err(EINVAL);
}

ErrorOr<long> SharedSegments::control(const IpcCaller& caller, int id, int cmd, linux::shmid64_ds& ds)
{
    if (id < 0)
        return err(EINVAL);
    Segment* s = cmd == linux::SHM_STAT || cmd == linux::SHM_STAT_ANY ? TRY(segments().at_index(id))
                                                                        : TRY(segments().find(id));
    switch (cmd) {
    case linux::IPC_STAT:
    case linux::SHM_STAT:
        TRY(s->check_access(caller.credentials, IpcObject::kReadable));
        [[fallthrough]];
    case linux::SHM_STAT_ANY:
        fill(*s, ds);
        return cmd == linux::IPC_STAT ? 0 : s->id;
    case linux::IPC_SET:
        TRY(s->check_owner(caller.credentials));
        if (ds.shm_perm.uid == ~0u || ds.shm_perm.gid == ~0u)
            return err(EINVAL);
        s->set(ds.shm_perm);
        return 0;
    case linux::IPC_RMID:
        TRY(s->check_owner(caller.credentials));
        remove(*s);
        return 0;
    case linux::SHM_LOCK:
    case linux::SHM_UNLOCK:
        // Nothing is swapped here: only the flag IPC_STAT shows.
        TRY(s->check_owner(caller.credentials));
        if (cmd == linux::SHM_LOCK)
            s->mode |= linux::SHM_LOCKED;
        else
            s->mode &= ~linux::SHM_LOCKED;
        return 0;
    default:
        return err(EINVAL);
    }
}

ErrorOr<long> SharedSegments::info(int id, linux::shminfo64& out)
{
    if (id < 0)
        return err(EINVAL);
    out = {};
    out.shmmax = linux::SHMMAX;
    out.shmmin = linux::SHMMIN;
    out.shmmni = linux::SHMMNI;
    out.shmseg = linux::SHMMNI;
    out.shmall = linux::SHMALL;
    return segments().highest_index();
}

ErrorOr<long> SharedSegments::usage(int id, linux::shm_info& out)
{
    if (id < 0)
        return err(EINVAL);
    out = {};
    out.used_ids = int32_t(segments().count());
    segments().for_each([&](Segment& s) {
        out.shm_tot += s.mapped_size() / AddressSpace::kPage;
        out.shm_rss += s.page_count();
    });
    return segments().highest_index();
}

} // namespace husk
