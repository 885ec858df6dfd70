// The buffer cache: blocks of block devices kept in memory within a fixed
// budget, least recently used first out, written back lazily (write-back).
// sync() writes a device's dirty blocks in block order, then flushes the
// device, so after it returns the image holds everything. The flusher
// (Flusher.h) writes blocks that stayed dirty too long, as Linux's does.
#pragma once

#include "../kstd/ErrorOr.h"
#include "Buffer.h"

namespace husk {

struct BufferCacheStats {
    size_t budget_bytes;
    size_t cached_bytes;
    size_t buffers;
    size_t dirty;
    size_t hits, misses, evictions, writebacks;
};

class BufferCache {
public:
    static void set_budget(size_t bytes);
    // The block, read from the device when not cached. A device is used with
    // one block size at a time (a file system's); EINVAL otherwise.
    static kstd::ErrorOr<BufferRef> get(BlockDevice& device, uint64_t block, uint32_t block_size);
    // The block without reading it (the caller overwrites all of it): zeroed.
    static kstd::ErrorOr<BufferRef> get_new(BlockDevice& device, uint64_t block, uint32_t block_size);
    static kstd::ErrorOr<void> sync(BlockDevice& device);
    // Writes every block dirty since before `dirtied_before` (monotonic ns),
    // each device's in block order, then flushes the devices it wrote.
    // Returns whether dirty blocks remain.
    static kstd::ErrorOr<bool> write_expired(uint64_t dirtied_before);
    // Reads blocks [first, first+count) that are not cached yet with one
    // device request (sequential read-ahead). Cached blocks are left alone.
    static kstd::ErrorOr<void> prefetch(BlockDevice& device, uint64_t first, uint32_t count, uint32_t block_size);
    static constexpr uint32_t kMaxCluster = 32; // blocks per clustered request
    static bool contains(BlockDevice& device, uint64_t block) { return cached(device, block) != nullptr; }
    // Drops every block of the device (after sync; held buffers stay valid
    // until released, then vanish). Returns how many were still dirty.
    static size_t invalidate(BlockDevice& device);
    static BufferCacheStats stats();

private:
    friend class BufferRef;
    static void release(Buffer& buffer);
    static void mark_dirty(Buffer& buffer);
    static kstd::ErrorOr<Buffer*> lookup_or_create(BlockDevice& device, uint64_t block, uint32_t block_size, bool& created);
    static kstd::ErrorOr<void> write_back(Buffer& buffer);
    // Writes buffer and the dirty blocks right after it in one request.
    static kstd::ErrorOr<void> write_back_cluster(Buffer& buffer);
    static Buffer* cached(BlockDevice& device, uint64_t block);
    static void make_room();
    static void destroy(Buffer& buffer);
};

} // namespace husk
