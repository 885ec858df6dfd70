// epoll(7): an interest list of (descriptor, description) pairs and the
// events each wants. epoll_wait finds ready entries by asking each
// description its poll readiness (level-triggered), or its readiness
// and whether its PollGeneration moved since the last report
// (EPOLLET); EPOLLONESHOT entries disarm after one report. Entries do
// not keep descriptions open: a description's destruction drops its
// entries (FileWatch), as on Linux. Reported level-triggered entries move
// to the back of the list, so a busy descriptor cannot starve the others.
#pragma once

#include "../kstd/IntrusiveList.h"
#include "File.h"

namespace husk {

class EpollInstance final : public File {
public:
    EpollInstance();
    ~EpollInstance() override;

    kstd::ErrorOr<void> add(int fd, File& file, uint32_t events, uint64_t data);
    kstd::ErrorOr<void> modify(int fd, File& file, uint32_t events, uint64_t data);
    kstd::ErrorOr<void> remove(int fd, File& file);
    // Fills out with up to max ready events, waiting until deadline
    // (monotonic ns; 0 = do not wait) while there are none.
    kstd::ErrorOr<size_t> wait(linux::epoll_event* out, size_t max, uint64_t deadline);

    kstd::ErrorOr<void> stat(linux::stat& out) override;
    short poll_events() override;
    bool is_epoll() const override { return true; }
    kstd::StringView anon_inode_name() const override { return "[eventpoll]"; }
    // Whether this instance watches `other`, directly or through nested
    // instances (adding other's would make a loop).
    bool reaches(const EpollInstance& other, int depth = 0) const;

private:
    struct Entry final : FileWatch, kstd::HeapObject {
        EpollInstance* owner;
        File* file;
        int fd;
        uint32_t events;
        uint64_t data;
        PollGeneration seen;
        bool fresh; // added or modified since its last report: report if ready
        kstd::ListNode node;
        void file_gone() override;
    };
    Entry* find(int fd, const File& file);
    void drop(Entry& e);
    // The events e reports now (0: none), updating its edge state when report.
    uint32_t ready(Entry& e, bool report);

    kstd::IntrusiveList<Entry, &Entry::node> m_entries;
};

} // namespace husk
