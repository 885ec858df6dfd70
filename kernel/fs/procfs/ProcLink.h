// A procfs symbolic link: its text is made when read (/proc/self, and a
// process's exe, cwd, root and fd/N). The VFS follows it by that text.
#pragma once

#include "ProcNode.h"

namespace husk {

class ProcLink final : public ProcNode {
public:
    // Writes the text for (pid, fd) into buf, at most size bytes, no NUL;
    // ENOENT when what it names is gone.
    using Target = kstd::ErrorOr<size_t> (*)(uint32_t pid, uint32_t fd, char* buf, size_t size);
    ProcLink(FileSystem& fs, uint64_t ino, uint32_t permissions, Target target, uint32_t pid, Process* owner,
             uint32_t fd = 0);

    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    // What lstat shows as its size (Linux: 64 for fd links, else 0).
    void set_shown_size(uint64_t size) { m_size = size; }

private:
    Target m_target;
    uint32_t m_fd;
};

} // namespace husk
