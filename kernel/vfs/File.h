// An open file description (Linux "struct file"): what an fd refers to. It
// carries the offset and status flags shared by dup()ed descriptors.
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/String.h"
#include "FileWatch.h"
#include "IoBuffer.h"
#include "PollHub.h"
#include "Vnode.h"

namespace husk {

class File : public kstd::RefCounted<File>, public kstd::HeapObject {
public:
    virtual ~File();

    int status_flags() const { return m_flags; }
    // F_SETFL may change only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME.
    void set_status_flags(int flags);
    bool is_readable() const;
    bool is_writable() const;
    bool is_nonblocking() const { return m_flags & linux::O_NONBLOCK; }

    virtual kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n);
    virtual kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n);
    virtual kstd::ErrorOr<size_t> pread(IoBuffer buf, size_t n, uint64_t offset);
    virtual kstd::ErrorOr<size_t> pwrite(IoBuffer buf, size_t n, uint64_t offset);
    virtual kstd::ErrorOr<uint64_t> seek(int64_t offset, int whence);
    virtual kstd::ErrorOr<void> stat(linux::stat& out);
    // arg: the memory the argument points to (a program's, or the kernel's).
    virtual kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg);
    // sendfile(2): up to count bytes of `in`, read at `position` onwards
    // (kOwnOffset: at in's offset, which moves by what was sent), written
    // here. The bytes written; an error only when none were. The default
    // copies through a buffer (FileCopy); a stream socket takes a regular
    // file's bytes from its cache directly.
    static constexpr int64_t kOwnOffset = -1;
    virtual kstd::ErrorOr<size_t> send_from(File& in, int64_t position, size_t count);
    // Fills buf with linux_dirent64 records (legacy: the old getdents's
    // linux_dirent, d_type in the record's last byte); returns bytes used.
    virtual kstd::ErrorOr<size_t> getdents(IoBuffer buf, size_t size, bool legacy = false);
    virtual short poll_events();
    virtual PollGeneration poll_generation() const { return {}; }
    // The readiness source behind the file when it can signal its owner on
    // a change (O_ASYNC: sockets, pipes), else nullptr (AsyncFiles.h).
    virtual const PollGeneration* async_source() const { return nullptr; }
    // F_SETOWN/F_GETOWN (a pid, or -pgid; 0: none) and F_SETSIG/F_GETSIG.
    int32_t async_owner() const { return m_async_owner; }
    void set_async_owner(int32_t owner) { m_async_owner = owner; }
    int async_signal() const { return m_async_signal; }
    void set_async_signal(int sig) { m_async_signal = sig; }
    // O_ASYNC in the status flags (AsyncFiles::enable decides).
    void set_async(bool on) { m_flags = on ? (m_flags | linux::O_ASYNC) : (m_flags & ~linux::O_ASYNC); }
    // Whether poll readiness means anything (Linux: a poll operation);
    // epoll refuses the others (EPERM), e.g. regular files.
    virtual bool is_pollable() const { return true; }
    // The vnode behind this description, if any (pipes have none).
    virtual Vnode* vnode() { return nullptr; }
    virtual bool is_path_only() const { return false; }
    virtual bool is_socket() const { return false; }
    virtual bool is_epoll() const { return false; }
    virtual bool is_signalfd() const { return false; }
    // Whether EPIPE from a write comes with SIGPIPE (pipes, stream sockets).
    virtual bool raises_sigpipe() const { return false; }
    void add_watch(FileWatch& w) { m_watches.append(w); }

    // Where a non-directory was opened: its directory and name, as the
    // path named them (Linux keeps the dentry), for /proc/PID/fd. Best
    // effort: without memory for the name, nothing is kept.
    void set_opened_at(kstd::RefPtr<Vnode> directory, kstd::StringView name);
    Vnode* opened_in() const { return m_opened_in.ptr(); }
    kstd::StringView opened_name() const { return m_opened_name.view(); }
    // A file without a name of its own (Linux's anonymous inodes): the
    // kind /proc/PID/fd shows, "[eventfd]"; empty for the others.
    virtual kstd::StringView anon_inode_name() const { return {}; }

protected:
    explicit File(int flags) : m_flags(flags) {}
    int m_flags;

private:
    kstd::IntrusiveList<FileWatch, &FileWatch::file_node> m_watches;
    kstd::RefPtr<Vnode> m_opened_in;
    kstd::String m_opened_name;
    int32_t m_async_owner { 0 };
    int m_async_signal { 0 };
};

// Fills st from a vnode's metadata.
void fill_stat(Vnode& v, linux::stat& st);

} // namespace husk
