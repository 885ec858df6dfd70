// A process: identity, credentials, working directory, root, umask and a
// (shareable) fd table. Address spaces join it with the ELF loader; fork
// will copy it. Never a global singleton: every syscall finds its process
// through the current thread.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/IntrusiveList.h"
#include "../kstd/RefPtr.h"
#include "../vfs/Credentials.h"
#include "../vfs/FdTable.h"
#include "../vfs/Vnode.h"

namespace husk {

class FileSystem;

class Process : public kstd::HeapObject {
public:
    static kstd::ErrorOr<Process*> create(const char* name, Process* parent);
    ~Process();

    static Process& current();

    uint32_t pid() const { return m_pid; }
    uint32_t ppid() const { return m_ppid; }
    const char* name() const { return m_name; }
    Credentials& credentials() { return m_credentials; }
    uint32_t umask() const { return m_umask; }
    void set_umask(uint32_t mask) { m_umask = mask & 0777; }
    kstd::RefPtr<Vnode> cwd() const { return m_cwd; }
    void set_cwd(kstd::RefPtr<Vnode> v) { m_cwd = kstd::move(v); }
    kstd::RefPtr<Vnode> root() const { return m_root; }
    void set_root(kstd::RefPtr<Vnode> v) { m_root = kstd::move(v); }
    FdTable& fds() { return *m_fds; }

    // Whether any process has its cwd or root on fs (umount's EBUSY).
    static bool any_inside(const FileSystem& fs);
    static size_t count();

    kstd::ListNode all_node;

private:
    Process() = default;
    uint32_t m_pid { 0 };
    uint32_t m_ppid { 0 };
    char m_name[16] {};
    Credentials m_credentials;
    uint32_t m_umask { 022 };
    kstd::RefPtr<Vnode> m_cwd;
    kstd::RefPtr<Vnode> m_root;
    kstd::RefPtr<FdTable> m_fds;
};

} // namespace husk
