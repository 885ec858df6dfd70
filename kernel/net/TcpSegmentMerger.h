// Consecutive TCP/IPv4 segments of one stream, merged into one large frame
// that a device with TCP segmentation offload cuts up again, as Linux's GSO
// hands virtio-net 64 KiB frames: one transfer to the device (and, over a
// TAP, one packet for the host's stack) instead of up to 44. lwIP builds
// MSS-sized segments; a burst of them leaves through here, each copied once,
// straight into the device's transmit buffer.
#pragma once

#include <husk/platform.h>
#include "../kstd/Types.h"

namespace husk {

class TcpSegmentMerger {
public:
    static constexpr size_t kMaxFrame = 14 + 65535; // IPv4's total length is 16 bits

    // Starts a merge led by an Ethernet frame as lwIP built it; false when
    // it cannot lead one (not a plain TCP/IPv4 data segment). The lead's
    // memory must stay until build_in.
    bool begin(const uint8_t* lead, size_t length);
    // Whether frame continues the stream right after the last segment and
    // still fits (of the same size as the lead unless it is the last).
    bool accepts(const uint8_t* frame, size_t length) const;
    // Copies the lead into out, room for kMaxFrame bytes, where the merge
    // is built from now on.
    void build_in(uint8_t* out);
    // Appends an accepted frame's payload.
    void append(const uint8_t* frame, size_t length);
    size_t segments() const { return m_segments; }
    // Completes the frame and returns its length: the lead's headers with
    // the lengths and IP checksum of the whole, PSH if any had it, the TCP
    // checksum field holding the pseudo-header sum, and tx for the device
    // (to cut it at the lead's size where there is more than one segment).
    size_t finish(husk_net_tx& tx);

private:
    const uint8_t* m_lead = nullptr;
    uint8_t* m_out = nullptr;
    size_t m_length = 0;     // of the lead, then of the merge
    size_t m_headers = 0;    // Ethernet, IP and TCP
    size_t m_payload = 0;    // the lead's: every segment but the last has as much
    size_t m_last_payload = 0;
    size_t m_total = 0;      // payload bytes so far
    uint32_t m_next_seq = 0;
    uint8_t m_psh = 0;
    size_t m_segments = 0;
};

} // namespace husk
