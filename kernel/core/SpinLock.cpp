#include "SpinLock.h"
#include "Panic.h"

namespace husk {

unsigned long SpinLock::lock()
{
    unsigned long irq = husk_plat_irq_disable();
    int me = int(husk_plat_cpu_id());
    if (__atomic_load_n(&m_owner, __ATOMIC_RELAXED) == me)
        panic("spin lock %p: CPU %d takes it twice", static_cast<void*>(this), me);
    for (;;) {
        int expected = -1;
        if (__atomic_compare_exchange_n(&m_owner, &expected, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return irq;
        while (__atomic_load_n(&m_owner, __ATOMIC_RELAXED) != -1)
            husk_plat_cpu_relax();
    }
}

void SpinLock::unlock(unsigned long irq)
{
    __atomic_store_n(&m_owner, -1, __ATOMIC_RELEASE);
    husk_plat_irq_restore(irq);
}

} // namespace husk
