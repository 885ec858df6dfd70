// Who walks a path, and from where: what the VFS needs to know of the
// caller (kernel/proc makes one for each process).
#pragma once

#include "../kstd/RefPtr.h"
#include "Credentials.h"
#include "Vnode.h"

namespace husk {

struct PathContext {
    kstd::RefPtr<Vnode> root; // where "/" starts and ".." stops
    kstd::RefPtr<Vnode> cwd;  // where a relative path starts (AT_FDCWD)
    Credentials credentials;  // whom permission checks are made against
    uint32_t umask { 0 };     // permission bits new names do not get
};

} // namespace husk
