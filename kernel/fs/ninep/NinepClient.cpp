#include "NinepClient.h"
#include "../../core/Log.h"
#include "../../core/Scheduler.h"
#include "../../kstd/Memory.h"

namespace husk::ninep {

using namespace kstd::errno_values;

namespace {
constexpr unsigned kMaxChannels = 8;

struct Channel {
    husk_9p_info info;
    bool claimed;
};
Channel g_channels[kMaxChannels];
unsigned g_count;

struct Request {
    husk_9p_req raw {};
    bool completed { false };
    WaitQueue waiters;
};

void reap(unsigned channel)
{
    husk_9p_req* done[16];
    size_t n;
    while ((n = husk_plat_9p_reap(channel, done, 16)) > 0) {
        for (size_t i = 0; i < n; ++i) {
            auto* request = static_cast<Request*>(done[i]->cookie);
            request->completed = true;
            request->waiters.wake_all();
        }
    }
}

void on_platform_events(uint32_t events)
{
    if (!(events & HUSK_EVENT_9P))
        return;
    for (unsigned i = 0; i < g_count; ++i)
        reap(i);
}
} // namespace

Reply::~Reply() { kstd::kfree(m_buffer); }

void Client::probe_all()
{
    for (unsigned i = 0; i < kMaxChannels; ++i) {
        husk_9p_info info {};
        if (husk_plat_9p_info(i, &info) != 0)
            break;
        info.tag[sizeof info.tag - 1] = 0;
        info.name[sizeof info.name - 1] = 0;
        if (info.max_message < 4096 || info.max_inflight == 0) {
            klog(LogLevel::Error, "9p: channel %u (%s) is unusable (messages of %u bytes), ignored", i, info.name,
                 info.max_message);
            continue;
        }
        g_channels[g_count++] = { info, false };
        klog(LogLevel::Info, "9p: channel '%s' = %s", info.tag, info.name);
    }
    if (g_count)
        Scheduler::add_event_handler(on_platform_events);
}

ErrorOr<Client*> Client::connect(kstd::StringView tag)
{
    for (unsigned i = 0; i < g_count; ++i) {
        if (kstd::StringView(g_channels[i].info.tag) != tag)
            continue;
        if (g_channels[i].claimed)
            return err(EBUSY);
        auto* client = new Client(i);
        if (!client)
            return err(ENOMEM);
        g_channels[i].claimed = true;
        if (auto r = client->negotiate(); r.is_error()) {
            delete client;
            return r.error();
        }
        return client;
    }
    return err(ENOENT);
}

Client::~Client() { g_channels[m_channel].claimed = false; }

const char* Client::tag() const { return g_channels[m_channel].info.tag; }

ErrorOr<void> Client::negotiate()
{
    uint32_t most = g_channels[m_channel].info.max_message;
    m_msize = most < kWantedMsize ? most : kWantedMsize;
    Writer t(Tversion, kNoTag, 64);
    t.u32(m_msize).string(kVersion);
    Reply r = TRY(call(t, 64));
    uint32_t msize = r.reader.u32();
    kstd::StringView version = r.reader.string();
    if (!r.reader.ok() || version != kVersion) {
        klog(LogLevel::Error, "9p: %s: the server does not speak %s (it answered '%.*s')", tag(), kVersion,
             int(version.length()), version.data());
        return err(EPROTONOSUPPORT);
    }
    if (msize < 4096 || msize > m_msize) {
        klog(LogLevel::Error, "9p: %s: the server's msize %u is unusable", tag(), msize);
        return err(EPROTONOSUPPORT);
    }
    m_msize = msize;
    return {};
}

uint16_t Client::take_tag()
{
    for (uint16_t i = 0; i < 256; ++i) {
        if (!(m_tags_used[i / 32] & (1u << (i % 32)))) {
            m_tags_used[i / 32] |= 1u << (i % 32);
            return i;
        }
    }
    return kNoTag; // unreachable: fewer requests are in flight than tags
}

ErrorOr<Reply> Client::call(Writer& request, size_t reply_room)
{
    uint32_t limit = g_channels[m_channel].info.max_inflight;
    while (m_inflight >= limit)
        m_slot_waiters.wait();
    bool version = request.size() >= kHeader && request.data()[4] == Tversion;
    uint16_t number = version ? kNoTag : take_tag();
    request.set_tag(number);
    TRY(request.finish());
    if (m_msize && reply_room > m_msize)
        reply_room = m_msize;
    if (reply_room < kHeader + 4)
        reply_room = kHeader + 4; // an Rlerror always fits
    auto release_tag = [&] {
        if (number != kNoTag)
            m_tags_used[number / 32] &= ~(1u << (number % 32));
    };
    auto* reply = static_cast<uint8_t*>(kstd::kmalloc(reply_room));
    if (!reply) {
        release_tag();
        return err(ENOMEM);
    }
    Request r;
    r.raw.request = request.data();
    r.raw.request_len = uint32_t(request.size());
    r.raw.reply = reply;
    r.raw.reply_room = uint32_t(reply_room);
    r.raw.cookie = &r;
    int submitted;
    while ((submitted = husk_plat_9p_submit(m_channel, &r.raw)) == -EAGAIN) {
        reap(m_channel);
        if (Scheduler::current())
            m_slot_waiters.wait(husk_plat_clock_monotonic() + 1000000);
        else
            husk_plat_yield(husk_plat_clock_monotonic() + 1000000);
    }
    if (submitted != 0) {
        release_tag();
        kstd::kfree(reply);
        return err(-submitted);
    }
    ++m_inflight;
    reap(m_channel); // a platform may complete at once
    while (!r.completed) {
        if (Scheduler::current()) {
            r.waiters.wait();
            continue;
        }
        // Boot, before there are threads: wait for the platform ourselves.
        husk_plat_yield(UINT64_MAX);
        reap(m_channel);
    }
    --m_inflight;
    release_tag();
    m_slot_waiters.wake_one();
    if (r.raw.status != 0) {
        klog(LogLevel::Error, "9p: %s: the channel failed a message of type %u", tag(), request.data()[4]);
        kstd::kfree(reply);
        return err(EIO);
    }
    auto reader = open_reply(reply, r.raw.reply_len, request.data()[4], number);
    if (reader.is_error()) {
        kstd::kfree(reply);
        return reader.error();
    }
    return Reply(reply, reader.value());
}

void Client::clunk(uint32_t fid)
{
    if (fid == kNoFid)
        return;
    Writer t(Tclunk, 0, kHeader + 4);
    t.u32(fid);
    if (auto r = call(t); r.is_error())
        klog(LogLevel::Debug, "9p: %s: clunk of fid %u: %s", tag(), fid, kstd::errno_name(r.error().code()));
}

} // namespace husk::ninep
