// Consecutive TCP/IPv4 segments of one stream, merged into one large frame
// that a device with TCP segmentation offload cuts up again, as Linux's GSO
// hands virtio-net 64 KiB frames: one transfer to the device (and, over a
// TAP, one packet for the host's stack) instead of up to 44. lwIP builds
// MSS-sized segments; a burst of them leaves through here.
#pragma once

#include <husk/platform.h>
#include "../kstd/Types.h"

namespace husk {

class TcpSegmentMerger {
public:
    struct Frame {
        const uint8_t* data; // an Ethernet frame as lwIP built it
        size_t length;
    };
    static constexpr size_t kMaxFrame = 14 + 65535; // IPv4's total length is 16 bits

    // How many frames from frames[0] on merge into one (at most count);
    // 1 when frames[0] cannot lead a merge, or nothing follows it.
    static size_t mergeable(const Frame* frames, size_t count);
    // Writes the merge of frames[0..n) (n from mergeable, >= 2) into out
    // (kMaxFrame bytes): the first frame's headers with the lengths and IP
    // checksum of the whole, PSH if any had it, the TCP checksum field
    // holding the pseudo-header sum, and every payload in order. Fills tx
    // for the device and returns the frame's length.
    static size_t merge(const Frame* frames, size_t n, uint8_t* out, husk_net_tx& tx);
};

} // namespace husk
