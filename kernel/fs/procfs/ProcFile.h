// A procfs file: its text is generated from kernel state when read, so
// every read sees the present (size 0 in stat, as on Linux).
#pragma once

#include "../../vfs/Vnode.h"

namespace husk {

class ProcFile final : public Vnode {
public:
    // Writes the text into buf (at most size bytes); returns its length.
    using Generator = size_t (*)(char* buf, size_t size);
    ProcFile(FileSystem& fs, uint64_t ino, Generator generate);

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(uint64_t, IoBuffer, size_t) override { return kstd::err(kstd::EACCES); }
    kstd::ErrorOr<void> truncate(uint64_t) override { return kstd::err(kstd::EACCES); }

private:
    static constexpr size_t kMaxText = 32768; // cpuinfo: ~2 KiB a CPU
    Generator m_generate;
};

} // namespace husk
