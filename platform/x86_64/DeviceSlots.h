// A fixed array of device objects that takes no room in the image: each
// object is constructed when its device is found. A plain static array of
// them would be .data (their vtables and non-zero member defaults), bytes
// of the image QEMU reads at every boot: 41 KB for the virtio devices.
// Declare one [[gnu::section(".bss.noinit")]]: make() zeroes what it
// uses, so boot need not zero the rest (kernel.ld).
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
    T& make(size_t i)
    {
        memset(m_slots[i].bytes, 0, sizeof(T)); // as a static object starts
        return *new (kstd::placement, m_slots[i].bytes) T();
    }
    T& operator[](size_t i) { return *reinterpret_cast<T*>(m_slots[i].bytes); }

private:
    struct alignas(T) Slot {
        unsigned char bytes[sizeof(T)];
    };
    Slot m_slots[N];
};

} // namespace husk::x86
