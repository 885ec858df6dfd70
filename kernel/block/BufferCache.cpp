#include "BufferCache.h"
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../kstd/HashMap.h"
#include "../kstd/Memory.h"
#include "../kstd/NeverDestroyed.h"
#include "../kstd/Vector.h"
#include "BlockDevice.h"

namespace husk {

using kstd::err;
using kstd::ErrorOr;
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
    BufferCacheStats stats { 16u << 20, 0, 0, 0, 0, 0, 0, 0 };
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

void BufferCache::release(Buffer& b)
{
    if (--b.refs == 0) {
        cache().lru.append(b);
        make_room();
    }
}

void BufferCache::set_budget(size_t bytes) { cache().stats.budget_bytes = bytes; }

void BufferCache::destroy(Buffer& b)
{
    auto& c = cache();
    c.index.remove(Key { b.device, b.block });
    LruList::remove(b);
    c.stats.cached_bytes -= b.size;
    --c.stats.buffers;
    kstd::kfree(b.data);
    kstd::destroy(&b);
}

ErrorOr<void> BufferCache::write_back(Buffer& b)
{
    if (!b.dirty)
        return {};
    TRY(b.device->write(b.block * b.size, b.data, b.size));
    b.dirty = false;
    ++cache().stats.writebacks;
    return {};
}

void BufferCache::make_room()
{
    auto& c = cache();
    while (c.stats.cached_bytes > c.stats.budget_bytes) {
        Buffer* victim = c.lru.first();
        if (!victim)
            return; // everything is in use: stay over budget for now
        if (write_back(*victim).is_error()) {
            // Keep the data (never lose a write); try the next one later.
            LruList::remove(*victim);
            c.lru.append(*victim);
            return;
        }
        ++c.stats.evictions;
        destroy(*victim);
    }
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
    if (block_size % device.sector_size() || uint64_t(block + 1) * block_size > device.size_bytes())
        return err(EIO);
    auto* b = kstd::make<Buffer>();
    if (!b)
        return err(ENOMEM);
    b->device = &device;
    b->block = block;
    b->size = block_size;
    b->data = static_cast<uint8_t*>(kstd::kmalloc(block_size));
    if (!b->data || !c.index.set(Key { &device, block }, b)) {
        kstd::kfree(b->data);
        kstd::destroy(b);
        return err(ENOMEM);
    }
    c.stats.cached_bytes += block_size;
    ++c.stats.buffers;
    ++c.stats.misses;
    created = true;
    return b;
}

ErrorOr<BufferRef> BufferCache::get(BlockDevice& device, uint64_t block, uint32_t block_size)
{
    bool created;
    Buffer* b = TRY(lookup_or_create(device, block, block_size, created));
    BufferRef ref(b);
    if (created) {
        if (auto r = device.read(block * block_size, b->data, block_size); r.is_error()) {
            ref = BufferRef();
            if (b->refs == 0)
                destroy(*b);
            return r.error();
        }
    }
    return ref;
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
    for (size_t i = 1; i < dirty.size(); ++i)
        for (size_t j = i; j > 0 && dirty[j - 1]->block > dirty[j]->block; --j)
            kstd::swap(dirty[j - 1], dirty[j]);
    for (Buffer* b : dirty) {
        BufferRef hold(b); // not evicted while writing
        TRY(write_back(*b));
    }
    return device.flush();
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
    s.dirty = 0;
    cache().index.for_each([&](const Key&, Buffer*& b) { s.dirty += b->dirty ? 1 : 0; });
    return s;
}

} // namespace husk
