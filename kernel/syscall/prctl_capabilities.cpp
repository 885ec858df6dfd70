// prctl(2)'s capability and privilege options: PR_GET/SET_KEEPCAPS,
// PR_CAPBSET_READ/DROP, PR_CAP_AMBIENT, PR_GET_SECUREBITS and
// PR_GET/SET_NO_NEW_PRIVS. The rules are Credentials' (capabilities(7)).
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr int kGetKeepCaps = 7, kSetKeepCaps = 8, kCapBsetRead = 23, kCapBsetDrop = 24, kGetSecureBits = 27,
              kSetNoNewPrivs = 38, kGetNoNewPrivs = 39, kCapAmbient = 47;
constexpr int kAmbientIsSet = 1, kAmbientRaise = 2, kAmbientLower = 3, kAmbientClearAll = 4;
constexpr uint64_t kSecbitKeepCaps = 1 << 4;

ErrorOr<Capability> capability(uint64_t n)
{
    if (n > uint64_t(Capability::Last))
        return err(EINVAL);
    return Capability(n);
}
} // namespace

SysResult capability_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
    Credentials& c = Process::current().credentials();
    switch (option) {
    case kGetKeepCaps:
        return c.keep_caps ? 1 : 0;
    case kSetKeepCaps:
        if (arg2 > 1)
            return err(EINVAL);
        c.keep_caps = arg2;
        return 0;
    case kGetSecureBits:
        return c.keep_caps ? long(kSecbitKeepCaps) : 0;
    case kCapBsetRead:
        return (c.cap_bounding & capability_bit(TRY(capability(arg2)))) ? 1 : 0;
    case kCapBsetDrop:
        TRY(c.drop_bounding(TRY(capability(arg2))));
        return 0;
    case kSetNoNewPrivs:
        if (arg2 != 1 || arg3 || arg4 || arg5)
            return err(EINVAL);
        c.no_new_privs = true; // for good: no call clears it
        return 0;
    case kGetNoNewPrivs:
        if (arg2 || arg3 || arg4 || arg5)
            return err(EINVAL);
        return c.no_new_privs ? 1 : 0;
    case kCapAmbient:
        if (arg4 || arg5)
            return err(EINVAL);
        switch (arg2) {
        case kAmbientIsSet:
            return (c.cap_ambient & capability_bit(TRY(capability(arg3)))) ? 1 : 0;
        case kAmbientRaise:
            TRY(c.raise_ambient(TRY(capability(arg3))));
            return 0;
        case kAmbientLower:
            c.lower_ambient(TRY(capability(arg3)));
            return 0;
        case kAmbientClearAll:
            if (arg3)
                return err(EINVAL);
            c.clear_ambient();
            return 0;
        default:
            return err(EINVAL);
        }
    default:
        return err(EINVAL);
    }
}

} // namespace husk
