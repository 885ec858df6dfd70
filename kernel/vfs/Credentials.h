// Who is asking: the identity permission checks are made against.
#pragma once

#include "../kstd/Types.h"

namespace husk {

struct Credentials {
    uint32_t uid { 0 }, gid { 0 };
    uint32_t euid { 0 }, egid { 0 };
    bool is_superuser() const { return euid == 0; }
};

} // namespace husk
