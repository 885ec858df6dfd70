// While a TransmitBatch lives, frames for devices with TCP segmentation
// offload wait in their interface's backlog instead of leaving one by one;
// when the outermost batch ends they leave together, consecutive segments
// of one TCP stream merged into large frames (TcpSegmentMerger). Wrapped
// around code that emits bursts: a round of the network thread, a
// socket's tcp_output. The kernel runs until it blocks, so a batch that
// does not block ends within the same burst: no frame is held for later.
#pragma once

namespace husk {

class TransmitBatch {
public:
    TransmitBatch() { ++s_depth; }
    ~TransmitBatch();
    TransmitBatch(const TransmitBatch&) = delete;
    TransmitBatch& operator=(const TransmitBatch&) = delete;
    static bool active() { return s_depth > 0; }

private:
    static int s_depth;
};

} // namespace husk
