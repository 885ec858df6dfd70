// The minimal kernel's self-test image (husk-selftest-minimal): its platform
// has no network devices, so the network tests are not in it.
#include "Selftest.h"

namespace husk::selftest {

int test_net_pair()
{
    say("selftest: FAIL: net-pair: the minimal kernel has no network devices\n");
    return 1;
}

int test_net_slirp()
{
    say("selftest: FAIL: net-slirp: the minimal kernel has no network devices\n");
    return 1;
}

} // namespace husk::selftest
