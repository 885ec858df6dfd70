// A process's file descriptor table: small integers naming open file
// descriptions, each with its close-on-exec flag. Shareable (CLONE_FILES).
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/Vector.h"
#include "File.h"

namespace husk {

class FdTable : public kstd::RefCounted<FdTable>, public kstd::HeapObject {
public:
    // RLIMIT_NOFILE as Linux starts a process: soft 1024, hard 4096; no
    // limit goes past Linux's default fs.nr_open.
    static constexpr int kDefaultLimit = 1024;
    static constexpr int kDefaultHardLimit = 4096;
    static constexpr uint64_t kNrOpen = 1u << 20;

    kstd::ErrorOr<kstd::RefPtr<File>> get(int fd) const;
    // Lowest free descriptor >= min_fd (EMFILE past the limit).
    kstd::ErrorOr<int> allocate(kstd::RefPtr<File> file, bool cloexec, int min_fd = 0);
    // Installs file at exactly fd, closing what was there (dup2 semantics).
    kstd::ErrorOr<void> install(int fd, kstd::RefPtr<File> file, bool cloexec);
    kstd::ErrorOr<void> close(int fd);
    kstd::ErrorOr<bool> cloexec(int fd) const;
    kstd::ErrorOr<void> set_cloexec(int fd, bool on);
    void close_all();
    // fork(2): a new table naming the same open file descriptions, with the
    // same flags and limits.
    kstd::ErrorOr<kstd::RefPtr<FdTable>> copy() const;
    // execve(2): closes every descriptor marked close-on-exec.
    void close_on_exec();
    int limit() const { return m_limit; }
    int hard_limit() const { return m_hard_limit; }
    // One past the highest descriptor that may be open (which may exceed a
    // limit lowered later: those descriptors stay open, as on Linux).
    size_t end() const { return m_entries.size(); }
    // setrlimit(RLIMIT_NOFILE): raising the hard limit needs a superuser.
    kstd::ErrorOr<void> set_limits(uint64_t soft, uint64_t hard, bool superuser);
    // Whether allocate() would find a descriptor below the limit.
    bool has_free_descriptor() const;

private:
    struct Entry {
        kstd::RefPtr<File> file;
        bool cloexec { false };
    };
    kstd::Vector<Entry> m_entries;
    int m_limit { kDefaultLimit };
    int m_hard_limit { kDefaultHardLimit };
};

} // namespace husk
