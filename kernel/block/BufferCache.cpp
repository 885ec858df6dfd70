#include "BufferCache.h"
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../core/Reclaim.h"
#include "../kstd/HashMap.h"
#include "../kstd/Memory.h"
#include "../kstd/NeverDestroyed.h"
#include "../kstd/Sort.h"
#include "../kstd/Vector.h"
#include "../mm/PageRefs.h"
#include "BlockDevice.h"
#include "Flusher.h"

namespace husk {

using namespace kstd::errno_values;

namespace {

struct Key {
    const BlockDevice* device;
    uint64_t block;
    bool operator==(const Key&) const = default;
};

// Found by HashMap through argument-dependent lookup.
uint32_t hash_of(const Key& k) { return kstd::hash_of(k.block ^ (uint64_t(reinterpret_cast<uintptr_t>(k.device)) << 40)); }

using LruList = kstd::IntrusiveList<Buffer, &Buffer::lru>;

struct CacheState {
    kstd::HashMap<Key, Buffer*> index;
    LruList lru; // unreferenced buffers, least recently used first
    BufferCacheStats stats { 16u << 20, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
};

CacheState& cache()
{
    static kstd::NeverDestroyed<CacheState> s;
    return s.get();
}

} // namespace

BufferRef::BufferRef(Buffer* b) : m_buffer(b)
{
    if (m_buffer && m_buffer->refs++ == 0)
        LruList::remove(*m_buffer);
}

BufferRef::BufferRef(const BufferRef& o) : m_buffer(o.m_buffer)
{
    if (m_buffer)
        ++m_buffer->refs;
}

BufferRef::~BufferRef()
{
    if (m_buffer)
        BufferCache::release(*m_buffer);
}

void BufferRef::mark_dirty() { BufferCache::mark_dirty(*m_buffer); }

void BufferCache::mark_dirty(Buffer& b)
{
    ++b.changes;
    if (b.dirty)
        return; // its age counts from the first change not written
    b.dirty = true;
    b.dirty_since = husk_plat_clock_monotonic();
    Flusher::dirtied();
}

void BufferCache::release(Buffer& b)
{
    if (--b.refs == 0) {
        cache().lru.append(b);
        make_room();
    }
}

void BufferCache::set_budget(size_t bytes)
{
    cache().stats.budget_bytes = bytes;
    Reclaim::add_shrinker(shrink);
}

namespace {
// A block of a page's size is a heap page, which a mapped file's page
// cache may map too (FileCache through ext2's pin_page: one copy of the
// data); PageRefs counts its owners, so a mapping that still holds it
// when the buffer goes keeps valid memory.
uint8_t* allocate_data(uint32_t size)
{
    if (size == kPageSize)
        return static_cast<uint8_t*>(Heap::allocate_pages(1));
    return static_cast<uint8_t*>(kstd::kmalloc(size));
}
void free_data(uint8_t* data, uint32_t size)
{
    if (size == kPageSize && data)
        PageRefs::release(data);
    else
        kstd::kfree(data);
}
} // namespace

void BufferCache::destroy(Buffer& b)
{
    auto& c = cache();
    c.index.remove(Key { b.device, b.block });
    LruList::remove(b);
    c.stats.cached_bytes -= b.size;
    --c.stats.buffers;
    free_data(b.data, b.size);
    kstd::destroy(&b);
}

ErrorOr<void> BufferCache::write_back(Buffer& b)
{
    if (!b.dirty)
        return {};
    uint32_t changes = b.changes;
    TRY(b.device->write(b.block * b.size, b.data, b.size));
    b.dirty = b.changes != changes; // changed while the write slept: still dirty

    ++cache().stats.writebacks;
    return {};
}

Buffer* BufferCache::cached(BlockDevice& device, uint64_t block)
{
    Buffer** b = cache().index.get(Key { &device, block });
    return b ? *b : nullptr;
}

ErrorOr<void> BufferCache::write_back_cluster(Buffer& first)
{
    if (!first.dirty)
        return {};
    // Collect the dirty run first, first+1, ... (same device, same size).
    Buffer* run[kMaxCluster];
    uint32_t changes[kMaxCluster];
    uint32_t n = 0;
    for (Buffer* b = &first; b && b->dirty && b->size == first.size && n < kMaxCluster; b = cached(*first.device, first.block + n)) {
        changes[n] = b->changes;
        run[n++] = b;
    }
    if (n == 1)
        return write_back(first);
    auto* bounce = static_cast<uint8_t*>(kstd::kmalloc(size_t(n) * first.size));
    if (!bounce)
        return write_back(first);
    for (uint32_t i = 0; i < n; ++i)
        memcpy(bounce + size_t(i) * first.size, run[i]->data, first.size);
    auto r = first.device->write(first.block * first.size, bounce, size_t(n) * first.size);
    kstd::kfree(bounce);
    TRY(r);
    // The copy went out; a buffer changed since (while the write slept)
    // stays dirty. Looked up again: one evicted meanwhile is gone.
    for (uint32_t i = 0; i < n; ++i)
        if (Buffer* b = cached(*first.device, first.block + i); b == run[i] && b->changes == changes[i])
            b->dirty = false;
    cache().stats.writebacks += n;
    return {};
}

ErrorOr<void> BufferCache::prefetch(BlockDevice& device, uint64_t first, uint32_t count, uint32_t block_size)
{
    count = kstd::min(count, kMaxCluster);
    // Only the leading run of blocks that are not cached yet.
    uint32_t n = 0;
    while (n < count && !cached(device, first + n))
        ++n;
    if (n < 2 || block_size % device.sector_size() || (first + n) * block_size > device.size_bytes())
        return {};
    auto* bounce = static_cast<uint8_t*>(kstd::kmalloc(size_t(n) * block_size));
    if (!bounce)
        return {};
    auto r = device.read(first * block_size, bounce, size_t(n) * block_size);
    if (!r.is_error()) {
        for (uint32_t i = 0; i < n; ++i) {
            bool created;
            auto b = lookup_or_create(device, first + i, block_size, created);
            if (b.is_error())
                break;
            if (created) {
                memcpy(b.value()->data, bounce + size_t(i) * block_size, block_size);
                cache().lru.append(*b.value()); // unreferenced: evictable, most recent
            }
        }
    }
    kstd::kfree(bounce);
    make_room();
    return r;
}

void BufferCache::make_room()
{
    auto& c = cache();
    while (c.stats.cached_bytes > c.stats.budget_bytes) {
        Buffer* victim = c.lru.first();
        if (!victim)
            return; // everything is in use: stay over budget for now
        if (write_back_cluster(*victim).is_error()) {
            // Keep the data (never lose a write); try the next one later.
            LruList::remove(*victim);
            c.lru.append(*victim);
            return;
        }
        ++c.stats.evictions;
        destroy(*victim);
    }
}

bool BufferCache::frees_memory(const Buffer& b)
{
    return b.refs == 0 && (b.size != kPageSize || PageRefs::owners(b.data) == 1);
}

// Counted in bytes, then pages: a buffer smaller than a page frees a heap
// slot (for the next small allocation), not a page of its own.
size_t BufferCache::evict_clean(size_t pages, size_t scan)
{
    auto& c = cache();
    size_t freed = 0;
    for (auto it = c.lru.begin(); it != c.lru.end() && freed < pages * kPageSize && scan; ++it, --scan) {
        Buffer& b = *it;
        if (b.dirty || !frees_memory(b))
            continue;
        freed += b.size;
        ++c.stats.evictions;
        ++c.stats.reclaimed;
        destroy(b);
    }
    return freed / kPageSize;
}

size_t BufferCache::shrink(size_t pages, bool may_wait)
{
    size_t freed = evict_clean(pages) * kPageSize;
    if (freed >= pages * kPageSize || !may_wait)
        return freed / kPageSize;
    // Dirty buffers from the LRU's start: written back (held meanwhile, so
    // not evicted or freed under the sleeping write), then evicted if still
    // clean and unheld. A batch at a time: the list changes while we sleep.
    auto& c = cache();
    constexpr size_t kBatch = kMaxCluster;
    while (freed < pages * kPageSize) {
        Buffer* batch[kBatch];
        size_t n = 0;
        for (auto it = c.lru.begin(); it != c.lru.end() && n < kBatch; ++it)
            if (it->dirty && frees_memory(*it))
                batch[n++] = &*it;
        if (n == 0)
            break;
        for (size_t i = 0; i < n; ++i)
            if (batch[i]->refs++ == 0)
                LruList::remove(*batch[i]);
        bool failed = false;
        for (size_t i = 0; i < n && !failed; ++i)
            failed = write_back_cluster(*batch[i]).is_error(); // keep the data: never lose a write
        for (size_t i = 0; i < n; ++i) {
            Buffer& b = *batch[i];
            if (--b.refs != 0)
                continue; // someone took it while the write slept
            if (!b.dirty && frees_memory(b)) {
                freed += b.size;
                ++c.stats.evictions;
                ++c.stats.reclaimed;
                destroy(b);
            } else {
                c.lru.append(b);
            }
        }
        if (failed)
            break;
    }
    return freed / kPageSize;
}

void BufferCache::keep_watermark()
{
    if (!Reclaim::below_low_watermark())
        return;
    size_t free = Heap::stats().free_pages, goal = Reclaim::high_watermark();
    if (free < goal) // a look at a few buffers per block: dirty ones may crowd the LRU's start
        evict_clean(goal - free, 4 * (goal - free) + 64);
}

ErrorOr<Buffer*> BufferCache::allocate(BlockDevice& device, uint64_t block, uint32_t block_size)
{
    if (block_size % device.sector_size() || uint64_t(block + 1) * block_size > device.size_bytes())
        return err(EIO);
    keep_watermark(); // memory short: a new block reuses an old one's
    auto* b = kstd::make<Buffer>();
    if (!b)
        return err(ENOMEM);
    b->device = &device;
    b->block = block;
    b->size = block_size;
    b->data = allocate_data(block_size);
    if (!b->data) { // an old block's memory, then
        evict_clean(kstd::max<size_t>(1, block_size / kPageSize));
        b->data = allocate_data(block_size);
    }
    if (!b->data) {
        kstd::destroy(b);
        return err(ENOMEM);
    }
    return b;
}

ErrorOr<void> BufferCache::insert(Buffer& b)
{
    auto& c = cache();
    if (!c.index.set(Key { b.device, b.block }, &b)) {
        free_data(b.data, b.size);
        kstd::destroy(&b);
        return err(ENOMEM);
    }
    c.stats.cached_bytes += b.size;
    ++c.stats.buffers;
    ++c.stats.misses;
    return {};
}

ErrorOr<Buffer*> BufferCache::lookup_or_create(BlockDevice& device, uint64_t block, uint32_t block_size, bool& created)
{
    auto& c = cache();
    created = false;
    if (Buffer** found = c.index.get(Key { &device, block })) {
        if ((*found)->size != block_size)
            return err(EINVAL);
        ++c.stats.hits;
        return *found;
    }
    Buffer* b = TRY(allocate(device, block, block_size));
    TRY(insert(*b));
    created = true;
    return b;
}

ErrorOr<BufferRef> BufferCache::get(BlockDevice& device, uint64_t block, uint32_t block_size)
{
    if (Buffer* found = cached(device, block)) {
        if (found->size != block_size)
            return err(EINVAL);
        ++cache().stats.hits;
        return BufferRef(found);
    }
    // Read into a buffer nobody else can find, and index it only once it
    // holds the block: a thread asking for the block while this one sleeps
    // in the read must not get a buffer before its data (it reads the block
    // too). The first read to finish is kept, as is a buffer get_new made
    // meanwhile, which may hold newer data than the device.
    Buffer* b = TRY(allocate(device, block, block_size));
    auto r = device.read(block * block_size, b->data, block_size);
    if (r.is_error() || cached(device, block)) {
        free_data(b->data, b->size);
        kstd::destroy(b);
        if (r.is_error())
            return r.error();
        return get(device, block, block_size);
    }
    TRY(insert(*b));
    return BufferRef(b);
}

ErrorOr<BufferRef> BufferCache::get_new(BlockDevice& device, uint64_t block, uint32_t block_size)
{
    bool created;
    Buffer* b = TRY(lookup_or_create(device, block, block_size, created));
    memset(b->data, 0, block_size);
    return BufferRef(b);
}

ErrorOr<void> BufferCache::sync(BlockDevice& device)
{
    auto& c = cache();
    kstd::Vector<Buffer*> dirty;
    c.index.for_each([&](const Key&, Buffer*& b) {
        if (b->device == &device && b->dirty)
            (void)dirty.append(b);
    });
    // Block order: sequential for the device, deterministic for tests.
    kstd::sort(dirty.data(), dirty.size(), [](const Buffer* a, const Buffer* b) { return a->block < b->block; });
    for (Buffer* b : dirty) {
        BufferRef hold(b); // not evicted while writing
        TRY(write_back_cluster(*b)); // already-written neighbours are skipped as clean
    }
    return device.flush();
}

ErrorOr<bool> BufferCache::write_expired(uint64_t dirtied_before)
{
    auto& c = cache();
    kstd::Vector<Buffer*> expired;
    bool younger = false;
    c.index.for_each([&](const Key&, Buffer*& b) {
        if (b->dirty && b->dirty_since < dirtied_before)
            younger = !expired.append(b) || younger; // no memory: the next pass
        else if (b->dirty)
            younger = true;
    });
    if (expired.is_empty())
        return younger;
    kstd::sort(expired.data(), expired.size(), [](const Buffer* a, const Buffer* b) {
        return a->device != b->device ? uintptr_t(a->device) < uintptr_t(b->device) : a->block < b->block;
    });
    // Held while the writes sleep: none is evicted (and freed) meanwhile.
    for (Buffer* b : expired)
        if (b->refs++ == 0)
            LruList::remove(*b);
    ErrorOr<void> result {};
    for (size_t i = 0; i < expired.size() && !result.is_error(); ++i) {
        result = write_back_cluster(*expired[i]); // neighbours already written are clean: skipped
        bool last_of_device = i + 1 == expired.size() || expired[i + 1]->device != expired[i]->device;
        if (!result.is_error() && last_of_device)
            result = expired[i]->device->flush();
    }
    for (Buffer* b : expired)
        release(*b);
    TRY(result);
    return younger || stats().dirty > 0;
}

size_t BufferCache::invalidate(BlockDevice& device)
{
    auto& c = cache();
    kstd::Vector<Buffer*> mine;
    c.index.for_each([&](const Key&, Buffer*& b) {
        if (b->device == &device)
            (void)mine.append(b);
    });
    size_t lost = 0;
    for (Buffer* b : mine) {
        if (b->dirty) {
            ++lost;
            klog(LogLevel::Warning, "bcache: %s block %lu dropped while dirty", device.name(), (unsigned long)b->block);
        }
        if (b->refs == 0)
            destroy(*b);
    }
    return lost;
}

BufferCacheStats BufferCache::stats()
{
    auto s = cache().stats;
    s.dirty = s.dirty_bytes = 0;
    cache().index.for_each([&](const Key&, Buffer*& b) {
        if (b->dirty) {
            ++s.dirty;
            s.dirty_bytes += b->size;
        }
    });
    return s;
}

} // namespace husk
