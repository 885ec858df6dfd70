// The kernel's end of a 9P channel (husk_plat_9p_*): one per mount, found
// by its mount tag. A call sends one T-message and sleeps until its
// R-message came back (several calls, from several threads, may be in
// flight up to the channel's limit); version negotiation, tags and fids
// are kept here, the messages themselves are NinepMessage's.
#pragma once

#include <husk/platform.h>
#include "../../core/WaitQueue.h"
#include "../../kstd/ErrorOr.h"
#include "../../kstd/StringView.h"
#include "NinepMessage.h"

namespace husk::ninep {

// An R-message: its buffer, and a reader past its header.
class Reply {
public:
    Reply(uint8_t* buffer, Reader reader) : m_buffer(buffer), reader(reader) {}
    Reply(Reply&& o) : m_buffer(o.m_buffer), reader(o.reader) { o.m_buffer = nullptr; }
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;
    ~Reply();

private:
    uint8_t* m_buffer;

public:
    Reader reader;
};

class Client : public kstd::HeapObject {
public:
    // The largest msize asked for: a read or write of 128 KiB in one call,
    // as Linux's v9fs asks by default.
    static constexpr uint32_t kWantedMsize = 128 * 1024 + 4096;

    // Registers the platform's channels (the log names each). Boot, once.
    static void probe_all();
    // The channel whose mount tag is tag, claimed (one mount at a time),
    // its version negotiated (Tversion 9P2000.L): ENOENT when no channel
    // has the tag, EBUSY when mounted already.
    static kstd::ErrorOr<Client*> connect(kstd::StringView tag);
    ~Client(); // gives the channel back

    uint32_t msize() const { return m_msize; }
    const char* tag() const;
    // One round trip. request's tag is set here; reply_room bounds the
    // R-message (at most msize). Rlerror is its errno.
    kstd::ErrorOr<Reply> call(Writer& request, size_t reply_room = 256);
    // A fresh fid number (never reused while the mount lives).
    uint32_t new_fid() { return m_next_fid++; }
    // Tclunk; errors are only logged (the server forgets the fid anyway).
    void clunk(uint32_t fid);

private:
    explicit Client(unsigned channel) : m_channel(channel) {}
    kstd::ErrorOr<void> negotiate();
    uint16_t take_tag();

    unsigned m_channel;
    uint32_t m_msize { 0 };
    uint32_t m_next_fid { 1 };
    uint32_t m_inflight { 0 };
    uint32_t m_tags_used[8] {}; // 256 tags, one bit each
    WaitQueue m_slot_waiters;
};

} // namespace husk::ninep
