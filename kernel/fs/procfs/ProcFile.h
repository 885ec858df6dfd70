// A procfs file: its text is generated from kernel state when read, so
// every read sees the present (size 0 in stat, as on Linux). Read-only
// unless made with a writer (a /proc/sys value the kernel uses).
#pragma once

#include "../../vfs/Vnode.h"

namespace husk {

class ProcFile final : public Vnode {
public:
    // Writes the text into buf (at most size bytes); returns its length.
    using Generator = size_t (*)(char* buf, size_t size);
    // Takes a write of n bytes (from offset 0, as sysctl files take them).
    using Writer = kstd::ErrorOr<size_t> (*)(IoBuffer buf, size_t n);
    ProcFile(FileSystem& fs, uint64_t ino, Generator generate, Writer writer = nullptr);

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    bool is_generated_text() const override { return true; }
    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> truncate(uint64_t) override
    {
        if (!m_write)
            return kstd::err(kstd::EACCES);
        return {}; // "echo name > file" opens with O_TRUNC
    }

private:
    static constexpr size_t kMaxText = 32768; // cpuinfo: ~2 KiB a CPU
    Generator m_generate;
    Writer m_write;
};

} // namespace husk
