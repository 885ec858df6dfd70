// The consumer of a read that needs no buffer of its own: sendfile hands a
// file's bytes from the file system's cache straight to a socket, instead of
// copying them through a buffer first. A file system reaches it through an
// IoBuffer (IoBuffer::sink) and writes into it in order, as into memory.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class ByteSink {
public:
    // Takes up to n bytes from data; returns how many it took.
    using Take = size_t (*)(void* context, const uint8_t* data, size_t n);
    ByteSink(Take take, void* context) : m_take(take), m_context(context) {}

    // The read's bytes from position `at` on. EAGAIN when the consumer took
    // fewer (it is full: the read stops there); EINVAL for a position other
    // than the next one.
    kstd::ErrorOr<void> put(size_t at, const uint8_t* data, size_t n);
    // Bytes the consumer took: what the read delivered.
    size_t taken() const { return m_taken; }
    // Whether the consumer stopped taking.
    bool full() const { return m_full; }

private:
    Take m_take;
    void* m_context;
    size_t m_taken = 0;
    bool m_full = false;
};

} // namespace husk
