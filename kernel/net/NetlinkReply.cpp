#include "NetlinkReply.h"
#include "../kstd/Types.h"

namespace husk {

using namespace linux;

void NetlinkReply::put(const void* data, uint32_t size)
{
    size_t at = m_message.size();
    size_t padded = nl_align(size);
    if (!m_message.resize(at + padded)) {
        m_failed = true;
        return;
    }
    if (size)
        memcpy(m_message.data() + at, data, size);
    if (padded > size)
        memset(m_message.data() + at + size, 0, padded - size);
}

void NetlinkReply::begin(uint16_t type, uint16_t flags, const void* fixed, uint32_t size)
{
    m_message.clear();
    nlmsghdr h { 0, type, flags, m_seq, m_port };
    put(&h, sizeof h);
    put(fixed, size);
}

void NetlinkReply::attribute(uint16_t type, const void* data, uint32_t size)
{
    rtattr a { uint16_t(sizeof(rtattr) + size), type };
    put(&a, sizeof a);
    put(data, size);
}

void NetlinkReply::attribute_string(uint16_t type, const char* s)
{
    uint32_t n = 0;
    while (s[n])
        ++n;
    attribute(type, s, n + 1);
}

void NetlinkReply::end()
{
    if (m_failed || m_message.size() < sizeof(nlmsghdr))
        return;
    uint32_t length = uint32_t(m_message.size());
    memcpy(m_message.data(), &length, sizeof length);
    if (!m_current.is_empty() && m_current.size() + length > kDatagram)
        flush();
    size_t at = m_current.size();
    if (!m_current.resize(at + length)) {
        m_failed = true;
        return;
    }
    memcpy(m_current.data() + at, m_message.data(), length);
    m_message.clear();
}

void NetlinkReply::done()
{
    int32_t zero = 0;
    begin(NLMSG_DONE, NLM_F_MULTI, &zero, sizeof zero);
    end();
    flush();
}

void NetlinkReply::error(int error, const nlmsghdr& request, const uint8_t* payload, uint32_t payload_size,
                         bool capped)
{
    flush();
    int32_t code = -error;
    bool whole = error != 0 && !capped;
    nlmsghdr h { 0, NLMSG_ERROR, uint16_t(whole ? 0 : NLM_F_CAPPED), request.nlmsg_seq, m_port };
    m_message.clear();
    put(&h, sizeof h);
    put(&code, sizeof code);
    put(&request, sizeof request);
    if (whole)
        put(payload, payload_size);
    end();
    flush();
}

void NetlinkReply::flush()
{
    if (m_current.is_empty())
        return;
    if (!m_done.append(kstd::move(m_current)))
        m_failed = true;
    m_current = Datagram();
}

} // namespace husk
