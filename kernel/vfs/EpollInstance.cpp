#include "EpollInstance.h"
#include <husk/platform.h>
#include "../kstd/Vector.h"
#include "PollHub.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr uint32_t kAlways = uint32_t(POLLERR | POLLHUP);
constexpr uint32_t kInputEvents = uint32_t(POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI | POLLRDHUP);
constexpr uint32_t kControlFlags = EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP;
constexpr int kMaxNesting = 5; // Linux's EP_MAX_NESTS
} // namespace

EpollInstance::EpollInstance() : File(O_RDWR) {}

EpollInstance::~EpollInstance()
{
    while (Entry* e = m_entries.first())
        drop(*e);
}

void EpollInstance::Entry::file_gone()
{
    // The description already unlinked this watch; the entry goes too.
    EpollInstance* o = owner;
    o->m_entries.remove(*this);
    delete this;
}

void EpollInstance::drop(Entry& e)
{
    kstd::IntrusiveList<FileWatch, &FileWatch::file_node>::remove(e); // no-op if the file already let go
    m_entries.remove(e);
    delete &e;
}

EpollInstance::Entry* EpollInstance::find(int fd, const File& file)
{
    for (Entry& e : m_entries)
        if (e.fd == fd && e.file == &file)
            return &e;
    return nullptr;
}

bool EpollInstance::reaches(const EpollInstance& other, int depth) const
{
    if (this == &other)
        return true;
    if (depth > kMaxNesting)
        return true; // too deep counts as a loop (ELOOP), as on Linux
    for (const Entry& e : const_cast<EpollInstance*>(this)->m_entries)
        if (e.file->is_epoll() && static_cast<const EpollInstance*>(e.file)->reaches(other, depth + 1))
            return true;
    return false;
}

ErrorOr<void> EpollInstance::add(int fd, File& file, uint32_t events, uint64_t data)
{
    if (find(fd, file))
        return err(EEXIST);
    if (file.is_epoll() && static_cast<EpollInstance&>(file).reaches(*this))
        return err(ELOOP);
    auto* e = new Entry;
    if (!e)
        return err(ENOMEM);
    e->owner = this;
    e->file = &file;
    e->fd = fd;
    e->events = events | kAlways; // Linux always reports errors and hang-ups
    e->data = data;
    e->seen = file.poll_generation();
    e->fresh = true;
    m_entries.append(*e);
    file.add_watch(*e);
    PollHub::notify(); // a waiter on this instance may now have an event
    return {};
}

ErrorOr<void> EpollInstance::modify(int fd, File& file, uint32_t events, uint64_t data)
{
    Entry* e = find(fd, file);
    if (!e)
        return err(ENOENT);
    if (e->events & EPOLLEXCLUSIVE)
        return err(EINVAL);
    e->events = events | kAlways;
    e->data = data;
    e->seen = file.poll_generation();
    e->fresh = true;
    PollHub::notify();
    return {};
}

ErrorOr<void> EpollInstance::remove(int fd, File& file)
{
    Entry* e = find(fd, file);
    if (!e)
        return err(ENOENT);
    drop(*e);
    return {};
}

uint32_t EpollInstance::ready(Entry& e, bool report)
{
    uint32_t wanted = e.events & ~kControlFlags;
    if (!wanted)
        return 0; // a disarmed one-shot entry
    uint32_t got = uint32_t(uint16_t(e.file->poll_events())) & wanted;
    if (!got)
        return 0;
    if (e.events & EPOLLET && !e.fresh) {
        // Report again only after a wanted kind of event happened; then,
        // as Linux, with everything that is ready.
        PollGeneration now = e.file->poll_generation();
        bool in_moved = now.in != e.seen.in, out_moved = now.out != e.seen.out;
        uint32_t moved = (in_moved ? kInputEvents | kAlways : 0) | (out_moved ? uint32_t(POLLOUT | POLLWRNORM | POLLWRBAND) | kAlways : 0);
        if (!(got & moved))
            return 0;
    }
    if (report) {
        e.seen = e.file->poll_generation();
        e.fresh = false;
        if (e.events & EPOLLONESHOT)
            e.events &= kControlFlags; // disarmed until EPOLL_CTL_MOD
    }
    return got;
}

ErrorOr<size_t> EpollInstance::wait(epoll_event* out, size_t max, uint64_t deadline)
{
    for (;;) {
        size_t count = 0;
        kstd::Vector<Entry*> reported;
        for (Entry& e : m_entries) {
            if (count == max)
                break;
            uint32_t got = ready(e, true);
            if (!got)
                continue;
            out[count++] = { got, e.data };
            if (!(e.events & (EPOLLET | EPOLLONESHOT)))
                (void)reported.append(&e); // best effort: fairness only
        }
        for (Entry* e : reported) {
            m_entries.remove(*e);
            m_entries.append(*e);
        }
        if (count || husk_plat_clock_monotonic() >= deadline)
            return count;
        if (PollHub::wait(deadline) == WaitQueue::Result::Interrupted)
            return err(EINTR); // never restarted (signal(7))
    }
}

ErrorOr<void> EpollInstance::stat(linux::stat& out)
{
    out = {};
    out.st_mode = 0600; // an anonymous inode, as eventfd
    out.st_nlink = 1;
    out.st_blksize = 4096;
    return {};
}

short EpollInstance::poll_events()
{
    for (Entry& e : m_entries)
        if (ready(e, false))
            return POLLIN | POLLRDNORM;
    return 0;
}

} // namespace husk
