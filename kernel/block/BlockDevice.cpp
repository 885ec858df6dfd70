#include "BlockDevice.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kMaxDevices = 26;
BlockDevice* g_devices[kMaxDevices];
size_t g_count;

bool is_write(uint32_t op) { return op == HUSK_BLOCK_WRITE || op == HUSK_BLOCK_WRITE_USER; }
bool uses_user_memory(uint32_t op) { return op == HUSK_BLOCK_READ_USER || op == HUSK_BLOCK_WRITE_USER; }
} // namespace

BlockDevice::BlockDevice(unsigned index, const husk_block_info& info) : m_index(index), m_info(info)
{
    m_name[0] = 'v';
    m_name[1] = 'd';
    m_name[2] = char('a' + index);
    m_name[3] = 0;
}

void BlockDevice::probe_all()
{
    for (unsigned i = 0; i < kMaxDevices && g_count < kMaxDevices; ++i) {
        husk_block_info info;
        if (husk_plat_block_info(i, &info) != 0)
            break;
        info.name[sizeof info.name - 1] = 0;
        if (info.sector_size < 512 || (info.sector_size & (info.sector_size - 1)) || info.max_inflight == 0) {
            klog(LogLevel::Error, "block: device %u (%s) has an unusable geometry, ignored", i, info.name);
            continue;
        }
        auto* dev = new BlockDevice(i, info);
        if (!dev)
            break;
        g_devices[g_count++] = dev;
        klog(LogLevel::Info, "block: %s = %s, %lu sectors of %u bytes%s", dev->name(), info.name,
             (unsigned long)info.sectors, info.sector_size, dev->is_read_only() ? ", read-only" : "");
    }
    if (g_count)
        Scheduler::add_event_handler(on_platform_events);
}

BlockDevice* BlockDevice::find(kstd::StringView name)
{
    if (name.starts_with("/dev/"))
        name = name.substring(5);
    for (size_t i = 0; i < g_count; ++i)
        if (kstd::StringView(g_devices[i]->name()) == name)
            return g_devices[i];
    return nullptr;
}

size_t BlockDevice::count() { return g_count; }
BlockDevice* BlockDevice::at(size_t index) { return index < g_count ? g_devices[index] : nullptr; }

void BlockDevice::on_platform_events(uint32_t events)
{
    if (!(events & HUSK_EVENT_BLOCK))
        return;
    for (size_t i = 0; i < g_count; ++i)
        g_devices[i]->reap();
}

void BlockDevice::reap()
{
    husk_block_req* done[16];
    size_t n;
    while ((n = husk_plat_block_reap(m_index, done, 16)) > 0) {
        for (size_t i = 0; i < n; ++i) {
            auto* request = static_cast<BlockRequest*>(done[i]->cookie);
            request->completed = true;
            --m_inflight;
            request->waiters.wake_all();
        }
        m_slot_waiters.wake_all();
    }
}

ErrorOr<void> BlockDevice::submit(BlockRequest& request)
{
    request.completed = false;
    request.raw.cookie = &request;
    for (;;) {
        while (m_inflight >= m_info.max_inflight)
            m_slot_waiters.wait();
        int r = husk_plat_block_submit(m_index, &request.raw);
        if (r == 0) {
            ++m_inflight;
            break;
        }
        if (r != -EAGAIN)
            return err(-r);
        reap();
        if (m_inflight)
            m_slot_waiters.wait();
    }
    reap(); // a platform may complete at once (the hosted one does)
    return {};
}

ErrorOr<void> BlockDevice::wait(BlockRequest& request)
{
    while (!request.completed) {
        if (Scheduler::current()) {
            request.waiters.wait();
            continue;
        }
        // Boot, before there are threads (the root file system is mounted
        // then, root=): wait for the platform ourselves, as the idle thread would.
        husk_plat_yield(UINT64_MAX);
        reap();
    }
    if (request.raw.status == -EFAULT && uses_user_memory(request.raw.op))
        return err(EFAULT); // the client's mistake, not the device's
    if (request.raw.status != 0) {
        klog(LogLevel::Error, "block: %s: %s of %u sectors at %lu failed (%s)", m_name,
             is_write(request.raw.op) ? "write" : request.raw.op == HUSK_BLOCK_FLUSH ? "flush" : "read",
             request.raw.count, (unsigned long)request.raw.sector, kstd::errno_name(-request.raw.status));
        return err(EIO);
    }
    return {};
}

ErrorOr<void> BlockDevice::transfer(uint32_t op, uint64_t offset, void* buf, size_t length)
{
    uint32_t ss = m_info.sector_size;
    if (offset % ss || length % ss)
        return err(EINVAL);
    if (offset > size_bytes() || length > size_bytes() - offset)
        return err(EIO);
    if (is_write(op) && is_read_only())
        return err(EROFS);
    auto* bytes = static_cast<uint8_t*>(buf);
    uint32_t most = uses_user_memory(op) ? kMaxSectorsPerUserRequest : kMaxSectorsPerRequest;
    while (length) {
        uint32_t count = uint32_t(kstd::min<uint64_t>(length / ss, most));
        BlockRequest request;
        request.raw = { op, offset / ss, count, bytes, 0, nullptr };
        TRY(submit(request));
        TRY(wait(request));
        bytes += size_t(count) * ss;
        offset += uint64_t(count) * ss;
        length -= size_t(count) * ss;
    }
    return {};
}

ErrorOr<void> BlockDevice::read(uint64_t offset, void* buf, size_t length) { return transfer(HUSK_BLOCK_READ, offset, buf, length); }

ErrorOr<void> BlockDevice::read_user(uint64_t offset, uintptr_t user_address, size_t length)
{
    if (!does_user_io())
        return err(EOPNOTSUPP);
    return transfer(HUSK_BLOCK_READ_USER, offset, reinterpret_cast<void*>(user_address), length);
}

ErrorOr<void> BlockDevice::write_user(uint64_t offset, uintptr_t user_address, size_t length)
{
    if (!does_user_io())
        return err(EOPNOTSUPP);
    return transfer(HUSK_BLOCK_WRITE_USER, offset, reinterpret_cast<void*>(user_address), length);
}

ErrorOr<void> BlockDevice::write(uint64_t offset, const void* buf, size_t length)
{
    return transfer(HUSK_BLOCK_WRITE, offset, const_cast<void*>(buf), length);
}

ErrorOr<void> BlockDevice::flush()
{
    if (is_read_only())
        return {};
    BlockRequest request;
    request.raw = { HUSK_BLOCK_FLUSH, 0, 0, nullptr, 0, nullptr };
    TRY(submit(request));
    return wait(request);
}

} // namespace husk
