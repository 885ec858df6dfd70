#include "Linux.h"
#include "SignalSet.h"

namespace husk {

static_assert(sizeof(linux::siginfo) == 128);

SignalQueue::Added SignalQueue::add(const linux::siginfo& info, int timer)
{
    int sig = info.si_signo;
    bool realtime = sig >= linux::SIGRTMIN;
    // A POSIX timer's signal has an entry of its own (Linux preallocates
    // it): queued beside a standard signal already pending, past the limit.
    bool from_timer = timer >= 0;
    if (!realtime && m_set.contains(sig) && !from_timer)
        return Added::AlreadyPending;
    Entry* e = m_count < kMaxQueued || from_timer ? new Entry() : nullptr;
    if (!e) {
        if (realtime)
            return Added::Full;
        m_set.add(sig); // pending without its siginfo, as Linux does when out of memory
        return Added::Queued;
    }
    e->sig = sig;
    e->timer = timer;
    memcpy(e->info, &info, sizeof info);
    m_entries.append(*e);
    ++m_count;
    m_set.add(sig);
    return Added::Queued;
}

bool SignalQueue::holds_timer(int timer) const
{
    for (Entry& e : const_cast<SignalQueue*>(this)->m_entries)
        if (e.timer == timer)
            return true;
    return false;
}

bool SignalQueue::take(int sig, linux::siginfo& info, int* timer)
{
    if (timer)
        *timer = -1;
    if (!m_set.contains(sig))
        return false;
    Entry* found = nullptr;
    bool more = false;
    for (Entry& e : m_entries) {
        if (e.sig != sig)
            continue;
        if (found) {
            more = true;
            break;
        }
        found = &e;
    }
    if (!more)
        m_set.remove(sig);
    if (!found) {
        info = {};
        info.si_signo = sig;
        info.si_code = linux::SI_KERNEL;
        return true;
    }
    memcpy(&info, found->info, sizeof info);
    if (timer)
        *timer = found->timer;
    decltype(m_entries)::remove(*found);
    --m_count;
    delete found;
    return true;
}

void SignalQueue::discard(SignalSet which)
{
    if ((m_set & which).is_empty())
        return;
    for (Entry& e : m_entries) {
        if (!which.contains(e.sig))
            continue;
        decltype(m_entries)::remove(e);
        --m_count;
        delete &e;
    }
    m_set = m_set.without(which);
}

} // namespace husk
