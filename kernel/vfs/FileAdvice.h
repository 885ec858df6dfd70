// The calls about a file's data that Husk has nothing to do for but check:
// fadvise, readahead, sync_file_range, fallocate. Each applies Linux's
// rules (which files, which flags) in Linux's order.
#pragma once

#include "File.h"

namespace husk {

// posix_fadvise: advice 0..5 (POSIX_FADV_*); ESPIPE on a pipe. Advice only.
kstd::ErrorOr<void> advise(File& f, int64_t length, int advice);
// readahead: a readable regular file (EBADF, EINVAL). Nothing to fetch:
// the caches fill on reads.
kstd::ErrorOr<void> check_readahead(File& f);
// sync_file_range: flags SYNC_FILE_RANGE_*, a range inside loff_t; the
// file's data written when any flag asks for a write or a wait.
kstd::ErrorOr<void> sync_range(File& f, int64_t offset, int64_t count, unsigned flags);
// fallocate: mode 0 (the size grows to offset+length) and
// FALLOC_FL_KEEP_SIZE; other modes EOPNOTSUPP. Blocks are not reserved
// ahead: a full file system reports ENOSPC at the write, not here.
kstd::ErrorOr<void> allocate(File& f, int mode, int64_t offset, int64_t length);

} // namespace husk
