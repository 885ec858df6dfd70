// memfd_create(2): an anonymous regular file in memory, on a ramfs no path
// reaches; /proc/PID/fd shows it as Linux does, "/memfd:NAME (deleted)".
#pragma once

#include "Credentials.h"
#include "File.h"

namespace husk {

class Memfd {
public:
    static constexpr unsigned MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8,
                              MFD_EXEC = 0x10;
    static constexpr size_t kMaxName = 249; // NAME_MAX - strlen("memfd:")

    // A new file, open for reading and writing; EINVAL for unknown flags,
    // MFD_HUGETLB (no huge pages) or a name longer than kMaxName.
    static kstd::ErrorOr<kstd::RefPtr<File>> create(kstd::StringView name, unsigned flags, const Credentials&);
};

} // namespace husk
