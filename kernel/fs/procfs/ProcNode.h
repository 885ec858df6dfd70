// What every node of a process's part of /proc shares: it names the
// process by pid only (looked up again at each operation, so a node never
// keeps a process alive nor outlives it dangling), and it belongs to the
// process's effective user, as on Linux. And how a directory entry's type
// follows from a node's mode.
#pragma once

#include "../../vfs/Vnode.h"

namespace husk {

class Process;

class ProcNode : public Vnode {
public:
    uint32_t pid() const { return m_pid; }
    // The process, or nullptr when it is gone (reaped).
    Process* process() const;

protected:
    // owner: the process whose node this is, or nullptr (root owns it).
    ProcNode(FileSystem& fs, uint64_t ino, uint32_t mode, uint32_t pid, Process* owner);

private:
    uint32_t m_pid;
};

uint8_t dirent_type(uint32_t mode);

} // namespace husk
