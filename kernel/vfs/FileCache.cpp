#include "FileCache.h"
#include <husk/platform.h>
#include "../block/Flusher.h"
#include "../core/Heap.h"
#include "../mm/PageRefs.h"
#include "../kstd/NeverDestroyed.h"
#include "FileSystem.h"
#include "Vnode.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kPage = kPageSize;

using CacheList = kstd::IntrusiveList<FileCache, &FileCache::all_node>;
CacheList& all_caches()
{
    static kstd::NeverDestroyed<CacheList> list;
    return list.get();
}

// The cached pages meeting [offset, offset+len): f(page index, the part
// of the page inside the range, its length, its offset in the range).
template<typename F>
void for_cached(SharedMemory& cache, uint64_t offset, size_t len, F f)
{
    for (uint64_t at = offset; at < offset + len;) {
        size_t in_page = size_t(at % kPage);
        size_t chunk = size_t(kstd::min<uint64_t>(kPage - in_page, offset + len - at));
        if (auto* page = static_cast<uint8_t*>(cache.find(size_t(at / kPage))))
            f(size_t(at / kPage), page + in_page, chunk, size_t(at - offset));
        at += chunk;
    }
}
} // namespace

FileCache::FileCache(Vnode& vnode) : SharedMemory(true), m_vnode(vnode)
{
    vnode.set_page_cache(this);
    vnode.fs().file_opened(); // a mapped file keeps its file system busy, as an open one
    m_size = vnode.size();
    set_end(m_size);
    all_caches().append(*this);
    Flusher::set_page_writer(write_expired);
}

FileCache::~FileCache()
{
    // The last mapping went; its end wrote the dirty pages back.
    CacheList::remove(*this);
    m_vnode->set_page_cache(nullptr);
    m_vnode->fs().file_closed();
}

ErrorOr<RefPtr<SharedMemory>> FileCache::of(Vnode& vnode)
{
    if (FileCache* cache = vnode.page_cache())
        return RefPtr<SharedMemory>(cache);
    auto cache = kstd::adopt_new<FileCache>(vnode);
    if (!cache)
        return err(ENOMEM);
    return RefPtr<SharedMemory>(cache.ptr());
}

void* FileCache::borrow(size_t index, int& error)
{
    error = 0;
    auto pin = m_vnode->pin_page(index);
    if (pin.is_error()) {
        error = pin.error().code();
        return nullptr;
    }
    RefPtr<PagePin> p = pin.release_value();
    if (!p || !m_pins.set(index, p))
        return nullptr; // none (or no memory to keep it): a copy
    void* page = p->page();
    PageRefs::share(page); // the object's owner
    return page;
}

bool FileCache::pinned(size_t index)
{
    RefPtr<PagePin>* pin = m_pins.get(index);
    return pin && (*pin)->page() == find(index);
}

void FileCache::first_dirty()
{
    m_dirty_since = husk_plat_clock_monotonic();
    Flusher::dirtied(); // a check is due within the interval
}

bool FileCache::write_expired(uint64_t dirtied_before)
{
    kstd::Vector<RefPtr<FileCache>> expired;
    bool left = false;
    for (FileCache& cache : all_caches()) {
        if (!cache.has_dirty())
            continue;
        if (cache.m_dirty_since < dirtied_before && expired.append(RefPtr<FileCache>(&cache)))
            continue;
        left = true;
    }
    // A reference each (taken above): a write may sleep, and the last
    // mapping go meanwhile. An error leaves its pages dirty: tried again.
    for (auto& cache : expired) {
        (void)cache->write_back();
        left = left || cache->has_dirty();
    }
    return left;
}

void FileCache::discarded_from(size_t first)
{
    m_pins.remove_if([&](size_t index, RefPtr<PagePin>&) { return index >= first; });
}

void FileCache::zero_tail(uint64_t size)
{
    if (size % kPage == 0)
        return;
    size_t index = size_t(size / kPage);
    if (auto* last = static_cast<uint8_t*>(find(index))) {
        memset(last + size % kPage, 0, kPage - size % kPage);
        if (pinned(index))
            (*m_pins.get(index))->mark_dirty(); // the block's tail on the disk too
    }
}

bool FileCache::load(size_t index, void* page)
{
    // The file system's data (the part past the end reads as zeros).
    return !m_vnode->read(uint64_t(index) * kPage, IoBuffer::kernel(page), kPage).is_error();
}

ErrorOr<void> FileCache::write_back()
{
    auto pages = TRY(take_dirty());
    ErrorOr<void> result {};
    for (const DirtyPage& d : pages) {
        uint64_t at = uint64_t(d.index) * kPage;
        uint64_t size = m_vnode->size();
        if (at < size && pinned(d.index)) {
            // The block's own buffer: past the end it must read zeros (a
            // store there is not the file's, as Linux's write-out zeroes).
            if (size - at < kPage)
                memset(static_cast<uint8_t*>(d.page) + (size - at), 0, size_t(kPage - (size - at)));
            (*m_pins.get(d.index))->mark_dirty();
        } else if (at < size && !result.is_error()) {
            size_t n = size_t(kstd::min<uint64_t>(kPage, size - at));
            auto wrote = m_vnode->write(at, IoBuffer::kernel(d.page), n);
            if (wrote.is_error()) {
                result = wrote.error(); // the page stays dirty for the next try
                mark_dirty(d.index);
            }
        }
        PageRefs::release(d.page);
    }
    return result;
}

ErrorOr<void> FileCache::sync()
{
    TRY(write_back());
    return m_vnode->sync();
}

ErrorOr<void> FileCache::after_read(Vnode& vnode, uint64_t offset, IoBuffer buf, size_t done)
{
    FileCache* cache = vnode.page_cache();
    if (!cache)
        return {};
    // Clean pages hold what the file system gave; dirty ones are newer.
    ErrorOr<void> result {};
    for_cached(*cache, offset, done, [&](size_t index, uint8_t* from, size_t n, size_t at) {
        if (cache->dirty(index) && !cache->pinned(index) && !result.is_error())
            result = buf.write_from(at, from, n);
    });
    return result;
}

ErrorOr<void> FileCache::after_write(Vnode& vnode, uint64_t offset, IoBuffer buf, size_t done)
{
    FileCache* cache = vnode.page_cache();
    if (!cache)
        return {};
    if (vnode.size() > cache->m_size) {
        // Longer: mappings reach the new pages (before_write zeroed the old
        // tail; the bytes there now are the write's).
        cache->m_size = vnode.size();
        cache->set_end(cache->m_size);
    }
    ErrorOr<void> result {};
    for_cached(*cache, offset, done, [&](size_t index, uint8_t* to, size_t n, size_t at) {
        if (!cache->pinned(index) && !result.is_error()) // a pinned page is what the file system wrote
            result = buf.read_into(to, at, n);
    });
    return result;
}

void FileCache::resized(Vnode& vnode)
{
    FileCache* cache = vnode.page_cache();
    if (!cache)
        return;
    uint64_t size = vnode.size();
    uint64_t old = cache->m_size;
    cache->m_size = size;
    cache->set_end(size);
    if (size > old) {
        cache->zero_tail(old); // what a mapping stored past the old end is not the file's
        return;
    }
    if (size == old)
        return;
    // As RamfsFile::truncate: whole pages past the end leave every mapping
    // (the next touch there is SIGBUS), the last one's tail is zeroed (a
    // later extension reads zeros there).
    cache->discard_from(size_t((size + kPage - 1) / kPage));
    cache->zero_tail(size);
}

void FileCache::truncating(Vnode& vnode, uint64_t size)
{
    FileCache* cache = vnode.page_cache();
    if (cache && size < cache->m_size)
        cache->discard_from(size_t((size + kPage - 1) / kPage));
}

void FileCache::before_write(Vnode& vnode, uint64_t end)
{
    FileCache* cache = vnode.page_cache();
    if (cache && end > cache->m_size)
        cache->zero_tail(cache->m_size);
}

ErrorOr<void> FileCache::write_back(Vnode& vnode)
{
    FileCache* cache = vnode.page_cache();
    return cache ? cache->write_back() : ErrorOr<void> {};
}

ErrorOr<void> FileCache::write_back_all()
{
    // A reference each, taken first: a write may sleep (the disk), and a
    // mapping, the last of its cache, may go meanwhile.
    kstd::Vector<RefPtr<FileCache>> caches;
    for (FileCache& cache : all_caches())
        if (!caches.append(RefPtr<FileCache>(&cache)))
            return err(ENOMEM);
    ErrorOr<void> result {};
    for (auto& cache : caches)
        if (auto r = cache->write_back(); r.is_error() && !result.is_error())
            result = r;
    return result;
}

} // namespace husk
