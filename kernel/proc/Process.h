// A process: identity, credentials, working directory, root, umask and a
// (shareable) fd table. Address spaces join it with the ELF loader; fork
// will copy it. Never a global singleton: every syscall finds its process
// through the current thread.
#pragma once

#include "../abi/Linux.h"
#include "../core/WaitQueue.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/IntrusiveList.h"
#include "../kstd/RefPtr.h"
#include "../vfs/Credentials.h"
#include "../vfs/FdTable.h"
#include "../vfs/PathContext.h"
#include "../vfs/Vnode.h"
#include "Signals.h"

namespace husk {

class AddressSpace;
class ElfImage;
class FileSystem;

class Process : public kstd::HeapObject {
public:
    static kstd::ErrorOr<Process*> create(const char* name, Process* parent);
    ~Process();

    static Process& current();
    // The current thread's process's address space, or nullptr (none, or
    // no process): what mm asks for (AddressSpace::set_current_lookup).
    static AddressSpace* current_address_space();

    uint32_t pid() const { return m_pid; }
    uint32_t ppid() const { return m_ppid; }
    const char* name() const { return m_name; }
    void set_name(kstd::StringView name);
    Credentials& credentials() { return m_credentials; }
    uint32_t umask() const { return m_umask; }
    void set_umask(uint32_t mask) { m_umask = mask & 0777; }
    kstd::RefPtr<Vnode> cwd() const { return m_cwd; }
    void set_cwd(kstd::RefPtr<Vnode> v) { m_cwd = kstd::move(v); }
    kstd::RefPtr<Vnode> root() const { return m_root; }
    void set_root(kstd::RefPtr<Vnode> v) { m_root = kstd::move(v); }
    // What the VFS needs of the process to walk paths and make names.
    PathContext path_context() const { return { m_root, m_cwd, m_credentials, m_umask }; }
    FdTable& fds() { return *m_fds; }
    // The application's memory (unikernel use); nullptr for local clients.
    AddressSpace* address_space() const { return m_address_space.ptr(); }
    void set_address_space(kstd::RefPtr<AddressSpace> as);
    // The executable the process runs and where it was loaded (fault
    // reports name functions from its symbols).
    const ElfImage* image() const { return m_image; }
    uint64_t load_bias() const { return m_load_bias; }
    void set_image(const ElfImage* image, uint64_t bias)
    {
        m_image = image;
        m_load_bias = bias;
    }

    // Signals (Signals.h): the dispositions its threads share, those sent
    // to the process that no thread took yet, its program threads, its
    // ITIMER_REAL, and a local client's own thread state (a program's
    // threads keep theirs in Thread).
    ProcessSignals& signals() { return m_signals; }
    SignalActions& signal_actions() { return m_signals.actions; }
    SignalQueue& pending_signals() { return m_signals.pending; }
    ThreadSignals& client_signals() { return m_signals.client; }

    // exit_group, the last thread's exit, or a fatal signal: the status
    // (0..255, or 128+signal) the process ends with. Wakes exit_waiters().
    bool exiting() const { return m_exiting; }
    int exit_status() const { return m_exit_status; }
    void exit(int status);
    WaitQueue& exit_waiters() { return m_exit_waiters; }
    // Threads running the process's program.
    size_t program_threads() const { return m_program_threads; }
    void add_program_thread() { ++m_program_threads; }
    // Returns how many are left.
    size_t remove_program_thread() { return --m_program_threads; }

    // Whether any process has its cwd or root on fs (umount's EBUSY).
    static bool any_inside(const FileSystem& fs);
    static size_t count();
    // The live process with this pid, or nullptr.
    static Process* find(uint32_t pid);

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
    kstd::RefPtr<AddressSpace> m_address_space;
    ProcessSignals m_signals;
    const ElfImage* m_image { nullptr };
    uint64_t m_load_bias { 0 };
    WaitQueue m_exit_waiters;
    size_t m_program_threads { 0 };
    bool m_exiting { false };
    int m_exit_status { 0 };
};

} // namespace husk
