// A fixed array of device objects that lives in .bss: each object is
// constructed when its device is found. A plain static array of them
// would be .data (their vtables and non-zero member defaults), bytes of
// the image QEMU reads at every boot: 41 KB for the virtio devices.
#pragma once

#include <stddef.h>
#include "../../kernel/kstd/Types.h"

namespace husk::x86 {

template<typename T, size_t N>
class DeviceSlots {
public:
    static constexpr size_t kCount = N;
    // A new object in slot i (what was there is forgotten, not destroyed:
    // slots are reused only after a device's init failed).
    T& make(size_t i) { return *new (kstd::placement, m_slots[i].bytes) T(); }
    T& operator[](size_t i) { return *reinterpret_cast<T*>(m_slots[i].bytes); }

private:
    struct alignas(T) Slot {
        unsigned char bytes[sizeof(T)];
    };
    Slot m_slots[N];
};

} // namespace husk::x86
