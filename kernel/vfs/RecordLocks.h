// POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) and open file
// description locks (F_OFD_*): byte ranges of a vnode, read-shared or
// write-exclusive. A POSIX lock belongs to a process and goes when that
// process closes any descriptor of the file; an OFD lock belongs to the
// open file description and goes with it. Both kinds conflict with each
// other, as on Linux. sqlite3 and other databases rely on them.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class Vnode;

class RecordLocks {
public:
    struct Owner {
        const void* key; // the owning process (POSIX) or the File (OFD)
        uint32_t pid;    // reported by F_GETLK for POSIX locks
        bool ofd;
    };
    // A byte range [start, end], end inclusive (UINT64_MAX: to the end of file).
    struct Request {
        short type; // linux::F_RDLCK, F_WRLCK or F_UNLCK
        uint64_t start, end;
    };
    struct Conflict {
        short type;
        uint64_t start, end;
        int32_t pid; // -1 for an OFD lock
    };

    // The first lock of another owner that would block req (F_GETLK).
    static bool find_conflict(const Vnode& v, const Owner& owner, const Request& req, Conflict& out);
    // Sets or clears req for owner. Without wait, a conflict is EAGAIN;
    // with it the caller sleeps until the range is free (EDEADLK when two
    // POSIX owners would wait for each other). ENOLCK when out of memory.
    static kstd::ErrorOr<void> set(const Vnode& v, const Owner& owner, const Request& req, bool wait);
    // Drops owner's locks on v (a POSIX owner closed a descriptor of it).
    static void release(const Vnode& v, const void* owner_key);
    // Drops every lock of owner (a process ended, a description was freed).
    static void release_all(const void* owner_key);
};

} // namespace husk
