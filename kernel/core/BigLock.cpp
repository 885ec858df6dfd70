#include "BigLock.h"
#include <husk/platform.h>
#include "Panic.h"

namespace husk {

void BigLock::enable()
{
    s_owner = int(husk_plat_cpu_id());
    __atomic_store_n(&s_enabled, true, __ATOMIC_RELEASE);
}

void BigLock::acquire()
{
    if (!s_enabled)
        return;
    int me = int(husk_plat_cpu_id());
    if (__atomic_load_n(&s_owner, __ATOMIC_RELAXED) == me)
        panic("big lock: CPU %d takes it twice", me);
    for (;;) {
        int expected = -1;
        if (__atomic_compare_exchange_n(&s_owner, &expected, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        while (__atomic_load_n(&s_owner, __ATOMIC_RELAXED) != -1) {
        }
    }
}

void BigLock::release()
{
    if (s_enabled)
        __atomic_store_n(&s_owner, -1, __ATOMIC_RELEASE);
}

bool BigLock::held_here()
{
    return !s_enabled || __atomic_load_n(&s_owner, __ATOMIC_RELAXED) == int(husk_plat_cpu_id());
}

} // namespace husk
