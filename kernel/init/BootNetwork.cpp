#include "BootNetwork.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../kstd/Format.h"
#include "../net/NetStack.h"
#include "../vfs/Vfs.h"
#include "Config.h"

namespace husk {

using namespace kstd::errno_values;

namespace {

// Dotted-quad IPv4 text to network byte order.
bool parse_ipv4(StringView text, uint32_t& out)
{
    uint8_t bytes[4];
    size_t at = 0;
    for (int part = 0; part < 4; ++part) {
        if (part && (at >= text.length() || text[at++] != '.'))
            return false;
        unsigned value = 0, digits = 0;
        while (at < text.length() && text[at] >= '0' && text[at] <= '9' && digits < 4) {
            value = value * 10 + unsigned(text[at++] - '0');
            ++digits;
        }
        if (!digits || value > 255)
            return false;
        bytes[part] = uint8_t(value);
    }
    if (at != text.length())
        return false;
    __builtin_memcpy(&out, bytes, 4);
    return true;
}

bool parse_prefix(StringView text, unsigned& out)
{
    if (text.is_empty() || text.length() > 2)
        return false;
    out = 0;
    for (size_t i = 0; i < text.length(); ++i) {
        char c = text[i];
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + unsigned(c - '0');
    }
    return out <= 32;
}

unsigned prefix_of(uint32_t netmask)
{
    unsigned bits = 0;
    for (; netmask; netmask &= netmask - 1) // no libgcc popcount freestanding
        ++bits;
    return bits;
}

void format_ipv4(uint32_t a, char* text, size_t size)
{
    auto* b = reinterpret_cast<const uint8_t*>(&a);
    kstd::format(text, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

StringView member(const kstd::JsonValue& entry, StringView key)
{
    const kstd::JsonValue* v = entry.get(key);
    return v && v->is_string() ? v->text() : StringView();
}

// /etc/resolv.conf gains a nameserver line per DHCP-named server (after
// any the configuration named itself with dns=).
ErrorOr<void> add_nameservers(const uint32_t* servers, size_t count)
{
    auto etc = TRY(Vfs::root()->lookup("etc"));
    auto file = TRY(etc->lookup("resolv.conf"));
    uint64_t end = file->size();
    for (size_t i = 0; i < count; ++i) {
        char address[16], line[32];
        format_ipv4(servers[i], address, sizeof address);
        size_t n = kstd::format(line, sizeof line, "nameserver %s\n", address);
        TRY(file->write(end, IoBuffer::kernel(line), n));
        end += n;
    }
    return {};
}

void announce_ipv4(size_t index, const char* how)
{
    NetStack::Ipv4 c = NetStack::ipv4(index);
    char address[16], gateway[16];
    format_ipv4(c.address, address, sizeof address);
    format_ipv4(c.gateway, gateway, sizeof gateway);
    klog(LogLevel::Notice, "net: %s: inet %s/%u gateway %s (%s)", NetStack::interface_name(index), address,
         prefix_of(c.netmask), c.gateway ? gateway : "none", how);
}

ErrorOr<void> configure_inet(size_t index, const kstd::JsonValue& entry, StringView method, bool& dhcp)
{
    const char* name = NetStack::interface_name(index);
    if (method == "dhcp") {
        TRY(NetStack::start_dhcp(index));
        dhcp = true;
        return {};
    }
    if (method != "static") {
        klog(LogLevel::Error, "net: %s: inet method '%.*s' (expected static or dhcp)", name, int(method.length()),
             method.data());
        return err(EINVAL);
    }
    uint32_t address = 0, gateway = 0;
    unsigned prefix = 0;
    StringView addr = member(entry, "addr"), mask = member(entry, "mask"), gw = member(entry, "gw");
    if (!parse_ipv4(addr, address) || !parse_prefix(mask, prefix)) {
        klog(LogLevel::Error, "net: %s: static needs addr (an IPv4 address) and mask (a prefix length 0-32), not '%.*s/%.*s'",
             name, int(addr.length()), addr.data(), int(mask.length()), mask.data());
        return err(EINVAL);
    }
    if (!gw.is_empty() && !parse_ipv4(gw, gateway)) {
        klog(LogLevel::Error, "net: %s: gw '%.*s' is not an IPv4 address", name, int(gw.length()), gw.data());
        return err(EINVAL);
    }
    TRY(NetStack::configure_static(index, address, prefix, gateway));
    announce_ipv4(index, "static");
    return {};
}

void announce_ipv6(size_t index)
{
    char text[48];
    for (size_t i = 0; i < 8; ++i)
        if (NetStack::ipv6_address(index, i, text, sizeof text))
            klog(LogLevel::Notice, "net: %s: inet6 %s (auto)", NetStack::interface_name(index), text);
}

// Which interfaces wait for a DHCP lease, and which for IPv6 autoconfiguration.
using DhcpInterfaces = bool[NetStack::kMaxInterfaces];
using SlaacInterfaces = bool[NetStack::kMaxInterfaces];

ErrorOr<void> configure_one(const kstd::JsonValue& entry, size_t position, DhcpInterfaces& dhcp, SlaacInterfaces& slaac)
{
    if (!entry.is_object()) {
        klog(LogLevel::Error, "net: entry %zu is not an object", position);
        return err(EINVAL);
    }
    StringView ifname = member(entry, "if");
    size_t index = position; // rumprun's order: the first entry is the first interface, ...
    if (!ifname.is_empty()) {
        auto found = NetStack::find_interface(ifname);
        if (found.is_error()) {
            klog(LogLevel::Error, "net: no interface '%.*s' (the machine has %zu)", int(ifname.length()), ifname.data(),
                 NetStack::interface_count());
            return err(ENODEV);
        }
        index = found.value();
    } else if (index >= NetStack::interface_count()) {
        klog(LogLevel::Error, "net: entry %zu names no interface and the machine has only %zu", position,
             NetStack::interface_count());
        return err(ENODEV);
    } else {
        ifname = NetStack::interface_name(index);
    }
    StringView type = member(entry, "type"), method = member(entry, "method");
    if (type == "inet")
        return configure_inet(index, entry, method, dhcp[index]);
    if (type == "inet6" && method == "auto") {
        TRY(NetStack::start_ipv6_auto(index));
        slaac[index] = true;
        return {};
    }
    klog(LogLevel::Error, "net: %.*s: unknown configuration '%.*s,%.*s' (inet,static | inet,dhcp | inet6,auto)",
         int(ifname.length()), ifname.data(), int(type.length()), type.data(), int(method.length()), method.data());
    return err(EINVAL);
}

} // namespace

ErrorOr<void> BootNetwork::configure_all()
{
    unsigned long queue = Config::get_number("txqueuelen", NetStack::kMaxTransmitQueue);
    if (!NetStack::set_transmit_queue_length(queue))
        klog(LogLevel::Warning, "txqueuelen=%lu is outside 2..%zu: %zu instead", queue, NetStack::kMaxTransmitQueue,
             NetStack::kMaxTransmitQueue);
    const kstd::JsonValue* net = Config::json("net");
    if (!net)
        return {};
    NetStack::init();
    DhcpInterfaces dhcp = {};
    SlaacInterfaces slaac = {};
    if (net->is_array()) {
        size_t position = 0;
        for (const auto& entry : net->items())
            TRY(configure_one(entry, position++, dhcp, slaac));
    } else {
        TRY(configure_one(*net, 0, dhcp, slaac));
    }
    // A program that connects over IPv6 as it starts needs the address a
    // router advertisement brings (a second or two: duplicate address
    // detection), as it needs DHCP's lease. Without a router (a TAP with
    // none) the link-local address is all there is: boot goes on after
    // slaac_timeout= seconds (default 5) rather than failing.
    unsigned long slaac_s = Config::get_number("slaac_timeout", 5);
    uint64_t slaac_deadline = husk_plat_clock_monotonic() + slaac_s * 1000000000ull;
    for (size_t i = 0; i < NetStack::interface_count(); ++i) {
        if (!slaac[i])
            continue;
        if (!NetStack::wait_for_ipv6_global(i, slaac_deadline))
            klog(LogLevel::Notice, "net: %s: no IPv6 router advertisement within %lu s: link-local only",
                 NetStack::interface_name(i), slaac_s);
        announce_ipv6(i);
    }
    unsigned long timeout_s = Config::get_number("dhcp_timeout", 15);
    uint64_t deadline = husk_plat_clock_monotonic() + timeout_s * 1000000000ull;
    for (size_t i = 0; i < NetStack::interface_count(); ++i) {
        if (!dhcp[i])
            continue;
        if (!NetStack::wait_for_ipv4(i, deadline)) {
            klog(LogLevel::Error, "net: %s: no DHCP lease within %lu s", NetStack::interface_name(i), timeout_s);
            return err(ETIMEDOUT);
        }
        announce_ipv4(i, "dhcp");
    }
    uint32_t servers[4];
    size_t count = NetStack::dns_servers(servers, 4);
    if (auto r = add_nameservers(servers, count); r.is_error())
        klog(LogLevel::Warning, "net: cannot write /etc/resolv.conf: %s", kstd::errno_name(r.error().code()));
    return {};
}

bool BootNetwork::ipv4_address(StringView text, uint32_t& out) { return parse_ipv4(text, out); }

} // namespace husk

extern "C" int husk_kernel_configure_network(void)
{
    auto r = husk::BootNetwork::configure_all();
    return r.is_error() ? -r.error().code() : 0;
}
