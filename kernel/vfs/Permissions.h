// Unix permission checks (owner/group/other bits; the superuser passes
// everything except executing a file that has no x bit at all).
#pragma once

#include "../kstd/ErrorOr.h"
#include "Credentials.h"
#include "Vnode.h"

namespace husk {

// mask: linux::R_OK | W_OK | X_OK. EACCES when denied.
kstd::ErrorOr<void> check_access(const Vnode& v, const Credentials& who, int mask, bool use_real_ids = false);

} // namespace husk
