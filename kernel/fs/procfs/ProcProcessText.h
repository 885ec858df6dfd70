// The text of /proc/PID's files, in proc(5)'s formats: stat, status,
// statm, comm, maps. Husk keeps no value for many fields (page faults, times,
// priorities, memory layout): those are 0, as Linux shows them to a
// reader without permission.
#pragma once

#include "ProcText.h"

namespace husk {

class Process;

class ProcProcessText {
public:
    static void stat(Process& p, ProcText& out);
    static void status(Process& p, ProcText& out);
    static void statm(Process& p, ProcText& out);
    static void comm(Process& p, ProcText& out);
    // One line per mapping: range, rights (rwx, p or s), offset, device,
    // inode, and the file's path or [heap], [stack], [vdso], [vvar];
    // adjacent regions that Linux would hold as one are joined.
    static void maps(Process& p, ProcText& out);
    static size_t maps_size(Process& p); // room for maps' text
    // R (running), S (sleeping) or Z (zombie).
    static char state(Process& p);
};

} // namespace husk
