// A block device of the platform (virtio-blk, or a host file when hosted),
// named vda, vdb, ... in probe order. Requests go to the platform
// asynchronously; a thread that needs the result sleeps until completion,
// so several requests (from several threads, or one thread's read-ahead)
// can be in flight up to the device's limit.
#pragma once

#include <husk/platform.h>
#include "../core/WaitQueue.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/StringView.h"

namespace husk {

struct BlockRequest {
    husk_block_req raw {};
    bool completed { false };
    WaitQueue waiters;
};

class BlockDevice : public kstd::HeapObject {
public:
    static constexpr uint32_t kMaxSectorsPerRequest = 256;
    // Transfers with user memory need no kernel buffer: larger requests, fewer calls.
    static constexpr uint32_t kMaxSectorsPerUserRequest = 2048;

    // Registers every device the platform offers. Called once at boot.
    static void probe_all();
    // "vda" or "/dev/vda"; null when unknown.
    static BlockDevice* find(kstd::StringView name);
    static size_t count();
    static BlockDevice* at(size_t index);

    const char* name() const { return m_name; }
    const char* platform_name() const { return m_info.name; }
    uint32_t sector_size() const { return m_info.sector_size; }
    uint64_t sectors() const { return m_info.sectors; }
    uint64_t size_bytes() const { return m_info.sectors * m_info.sector_size; }
    bool is_read_only() const { return m_info.flags & HUSK_BLOCK_READONLY; }
    // Whether read_user/write_user work: the platform uses a client's memory itself.
    bool does_user_io() const { return m_info.flags & HUSK_BLOCK_USER_IO; }
    // A mounted file system holds the device: a second one on it would keep
    // a cache of its own and overwrite the first's writes (mount: EBUSY).
    bool claim()
    {
        if (m_claimed)
            return false;
        m_claimed = true;
        return true;
    }
    void release() { m_claimed = false; }

    // Byte-addressed I/O in whole sectors; the calling thread sleeps until done.
    kstd::ErrorOr<void> read(uint64_t offset, void* buf, size_t length);
    // The same into user memory at user_address, with no copy in the kernel
    // (EFAULT for a bad address); only where does_user_io().
    kstd::ErrorOr<void> read_user(uint64_t offset, uintptr_t user_address, size_t length);
    kstd::ErrorOr<void> write(uint64_t offset, const void* buf, size_t length);
    // From user memory (EFAULT for a bad address, after which part of the
    // range may hold the new data); only where does_user_io().
    kstd::ErrorOr<void> write_user(uint64_t offset, uintptr_t user_address, size_t length);
    // Returns once every completed write is durable.
    kstd::ErrorOr<void> flush();

    // Asynchronous use: submit (sleeps only while the device is at its
    // in-flight limit), then wait for each request.
    kstd::ErrorOr<void> submit(BlockRequest& request);
    kstd::ErrorOr<void> wait(BlockRequest& request);

private:
    BlockDevice(unsigned index, const husk_block_info& info);
    kstd::ErrorOr<void> transfer(uint32_t op, uint64_t offset, void* buf, size_t length);
    void reap();
    static void on_platform_events(uint32_t events);

    unsigned m_index;
    husk_block_info m_info;
    bool m_claimed { false };
    char m_name[8];
    uint32_t m_inflight { 0 };
    WaitQueue m_slot_waiters;
};

} // namespace husk
