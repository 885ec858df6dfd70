// /proc/PID/fd: one link per open descriptor, named by its number.
#pragma once

#include "ProcNode.h"

namespace husk {

class ProcFdDirectory final : public ProcNode {
public:
    ProcFdDirectory(FileSystem& fs, Process& p);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
};

// A decimal number as procfs names take it: no sign, no leading zero.
bool parse_proc_number(kstd::StringView name, uint32_t& out);

} // namespace husk
