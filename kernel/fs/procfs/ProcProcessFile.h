// A file of /proc/PID (cmdline, comm, stat, statm, status, maps, mounts,
// mountinfo): its text is made from the process when read; ESRCH once the
// process is reaped.
// comm can be written by the process itself, as on Linux.
#pragma once

#include "ProcInodes.h"
#include "ProcNode.h"

namespace husk {

class ProcProcessFile final : public ProcNode {
public:
    ProcProcessFile(FileSystem& fs, uint32_t pid, proc_inodes::Node node, uint32_t permissions, Process* owner);

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    bool is_generated_text() const override { return true; }
    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> truncate(uint64_t) override { return {}; } // "echo name > comm" opens with O_TRUNC

private:
    static constexpr size_t kMaxText = 4096;
    proc_inodes::Node m_node;
};

} // namespace husk
