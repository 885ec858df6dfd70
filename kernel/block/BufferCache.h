// The buffer cache: blocks of block devices kept in memory, least recently
// used first out, written back lazily (write-back). It is elastic: it grows
// up to its budget (bcache_mib) while memory is free, takes no new memory
// for a block while free memory is below the low watermark (it reuses its
// least recently used clean buffers instead), and gives its unheld buffers
// back when memory runs short (shrink, Reclaim's shrinker: core/Reclaim.h).
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
    size_t dirty_bytes;
    size_t hits, misses, evictions, writebacks;
    size_t reclaimed; // buffers evicted for memory (shrink, the watermark)
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
    // Reclaim's shrinker: evicts unheld buffers, least recently used first,
    // until memory worth `pages` pages is free; a dirty one is written back
    // first only if `may_wait` (the caller is at a safe point and may
    // sleep). A buffer held (BufferRef: ext2's metadata in use, a mapped
    // file's page pinned by its FileCache) is never evicted, nor one whose
    // page someone else still owns (evicting it would free nothing).
    // Returns the pages freed.
    static size_t shrink(size_t pages, bool may_wait);

private:
    friend class BufferRef;
    static void release(Buffer& buffer);
    static void mark_dirty(Buffer& buffer);
    // A buffer for the block, not in the index yet (nobody else finds it).
    static kstd::ErrorOr<Buffer*> allocate(BlockDevice& device, uint64_t block, uint32_t block_size);
    // Puts it in the index (freed on failure: ENOMEM).
    static kstd::ErrorOr<void> insert(Buffer& buffer);
    static kstd::ErrorOr<Buffer*> lookup_or_create(BlockDevice& device, uint64_t block, uint32_t block_size, bool& created);
    static kstd::ErrorOr<void> write_back(Buffer& buffer);
    // Writes buffer and the dirty blocks right after it in one request.
    static kstd::ErrorOr<void> write_back_cluster(Buffer& buffer);
    static Buffer* cached(BlockDevice& device, uint64_t block);
    static void make_room();
    // At the entry points: below the low watermark, clean unheld buffers
    // go (no I/O, no sleep) until free memory is back at the high one.
    static void keep_watermark();
    // Whether evicting `buffer` frees its memory (it is unheld and its page
    // is the cache's alone).
    static bool frees_memory(const Buffer& buffer);
    // Evicts clean buffers from the LRU's start, looking at `scan` at
    // most; the pages freed.
    static size_t evict_clean(size_t pages, size_t scan = ~size_t(0));
    static void destroy(Buffer& buffer);
};

} // namespace husk
