#include "ProcNode.h"
#include "../../proc/Process.h"

namespace husk {

ProcNode::ProcNode(FileSystem& fs, uint64_t ino, uint32_t mode, uint32_t pid, Process* owner)
    : Vnode(fs, ino, mode)
    , m_pid(pid)
{
    if (owner) {
        m_uid = owner->credentials().euid;
        m_gid = owner->credentials().egid;
    }
    if (linux::is_dir(mode))
        m_nlink = 2;
}

Process* ProcNode::process() const { return Process::find(m_pid); }

uint8_t dirent_type(uint32_t mode)
{
    switch (mode & linux::S_IFMT) {
    case linux::S_IFDIR: return linux::DT_DIR;
    case linux::S_IFLNK: return linux::DT_LNK;
    case linux::S_IFREG: return linux::DT_REG;
    default: return linux::DT_UNKNOWN;
    }
}

} // namespace husk
