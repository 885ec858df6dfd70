// One cached block of a device. Held through BufferRef; a buffer nobody
// holds stays cached (LRU) until the cache needs its memory.
#pragma once

#include "../kstd/IntrusiveList.h"
#include "../kstd/Types.h"

namespace husk {

class BlockDevice;

struct Buffer {
    BlockDevice* device;
    uint64_t block;
    uint32_t size;
    uint8_t* data;
    uint32_t refs { 0 };
    bool dirty { false };
    uint64_t dirty_since { 0 }; // monotonic ns when it last went from clean to dirty
    uint32_t changes { 0 };     // mark_dirty calls: a write-back that raced one keeps it dirty
    kstd::ListNode lru;   // on the LRU list while refs == 0
};

// A counted handle on a cached block.
class BufferRef {
public:
    BufferRef() = default;
    explicit BufferRef(Buffer* b);
    BufferRef(const BufferRef& o);
    BufferRef(BufferRef&& o) : m_buffer(o.m_buffer) { o.m_buffer = nullptr; }
    BufferRef& operator=(BufferRef o)
    {
        kstd::swap(m_buffer, o.m_buffer);
        return *this;
    }
    ~BufferRef();

    uint8_t* data() const { return m_buffer->data; }
    uint32_t size() const { return m_buffer->size; }
    uint64_t block() const { return m_buffer->block; }
    // The block will be written back (on sync, before eviction, or by the
    // flusher once it has been dirty for a while).
    void mark_dirty();
    explicit operator bool() const { return m_buffer != nullptr; }

private:
    Buffer* m_buffer { nullptr };
};

} // namespace husk
