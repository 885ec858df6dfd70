// Periodic write-back, as Linux's flusher threads do it: a block that has
// been dirty for longer than the expiry (dirty_expire=SECONDS, default 30)
// is written at the next check (writeback_interval=SECONDS, default 5),
// then its device is flushed. So a crash loses at most the last
// expiry+interval seconds of writes. The flusher thread starts with the
// first dirty block and sleeps without a timer while nothing is dirty.
#pragma once

#include "../kstd/Types.h"

namespace husk {

class Flusher {
public:
    // 0 for either disables periodic write-back (sync and eviction remain).
    static void configure(uint64_t expire_ns, uint64_t interval_ns);
    // A clean block became dirty: a check is due within the interval. The
    // page cache calls it too, when a mapped file's page becomes dirty.
    static void dirtied();
    // Mapped files' dirty pages (kernel/vfs's FileCache) go to their files
    // at each check, through `writer`: those dirty since before the given
    // time (monotonic ns); it returns whether dirty pages remain. Set by
    // the page cache (it sits above the block layer).
    using PageWriter = bool (*)(uint64_t dirtied_before);
    static void set_page_writer(PageWriter writer);

private:
    static void thread_main(void*);
    static void on_timer(void*);
};

} // namespace husk
