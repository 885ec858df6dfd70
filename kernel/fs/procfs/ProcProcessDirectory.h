// /proc/PID: a process's directory (cmdline, comm, cwd, exe, fd/, root,
// stat, statm, status), made on lookup; its entries are made on lookup too.
#pragma once

#include "ProcNode.h"

namespace husk {

class ProcProcessDirectory final : public ProcNode {
public:
    ProcProcessDirectory(FileSystem& fs, Process& p);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
};

} // namespace husk
