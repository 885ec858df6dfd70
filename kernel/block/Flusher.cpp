#include "Flusher.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../core/Thread.h"
#include "../core/Timer.h"
#include "../core/WaitQueue.h"
#include "../kstd/Errno.h"
#include "../kstd/NeverDestroyed.h"
#include "BufferCache.h"

namespace husk {

namespace {

struct FlusherState {
    uint64_t expire_ns { 30'000'000'000 };
    uint64_t interval_ns { 5'000'000'000 };
    Thread* thread { nullptr };
    Flusher::PageWriter page_writer { nullptr };
    bool due { false };
    Timer timer;
    WaitQueue waiters;
};

FlusherState& state()
{
    static kstd::NeverDestroyed<FlusherState> s;
    return s.get();
}

bool enabled() { return state().expire_ns && state().interval_ns; }

void arm()
{
    auto& s = state();
    if (!s.timer.is_armed())
        TimerQueue::arm(s.timer, husk_plat_clock_monotonic() + s.interval_ns);
}

} // namespace

void Flusher::configure(uint64_t expire_ns, uint64_t interval_ns)
{
    state().expire_ns = expire_ns;
    state().interval_ns = interval_ns;
}

void Flusher::set_page_writer(PageWriter writer) { state().page_writer = writer; }

void Flusher::on_timer(void*)
{
    state().due = true;
    state().waiters.wake_all();
}

void Flusher::dirtied()
{
    auto& s = state();
    if (!enabled())
        return;
    if (!s.thread) {
        s.timer.callback = on_timer;
        s.thread = Thread::create("flusher", thread_main, nullptr);
        if (!s.thread)
            return; // no memory now: the next dirty block tries again
    }
    arm();
}

void Flusher::thread_main(void*)
{
    auto& s = state();
    for (;;) {
        while (!s.due)
            s.waiters.wait();
        s.due = false;
        uint64_t now = husk_plat_clock_monotonic();
        uint64_t cutoff = now > s.expire_ns ? now - s.expire_ns : 0;
        // Expired mapped pages first: they become dirty blocks, written by
        // a later check once those expire (a mapped page reaches the disk
        // within about twice the expiry).
        bool pages_left = s.page_writer && s.page_writer(cutoff);
        auto remaining = BufferCache::write_expired(cutoff);
        if (remaining.is_error())
            klog(LogLevel::Warning, "flusher: write-back failed (%s); retrying in the next interval",
                 kstd::errno_name(remaining.error().code()));
        if (remaining.is_error() || remaining.value() || pages_left)
            arm(); // else the next dirty block or page arms it
    }
}

} // namespace husk
