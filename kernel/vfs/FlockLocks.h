// flock(2) locks: a whole file, shared or exclusive, held by an open file
// description, so descriptors dup'ed or inherited from it share the lock,
// which goes with the description's last close. They are independent of
// fcntl's record locks, as on Linux. Perl's, Python's and the flock(1)
// tool's locking, and dpkg's, use them.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

// file: what is locked, the File's vnode, or for files without one
// (pipes, sockets) the File itself; description: the File holding it.
class FlockLocks {
public:
    // LOCK_SH (exclusive false) or LOCK_EX. A lock the description already
    // holds is converted, not atomically (Linux drops it first). A
    // conflict is EWOULDBLOCK without wait; with it the caller sleeps
    // until the file is free (ERESTARTSYS when a signal ends the wait).
    static kstd::ErrorOr<void> lock(const void* file, const void* description, bool exclusive, bool wait);
    // LOCK_UN (nothing held: nothing to do).
    static void unlock(const void* file, const void* description);
    // The description is closed for the last time.
    static void release_all(const void* description);
};

} // namespace husk
