#include "Syslog.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../kstd/Format.h"
#include "../kstd/NeverDestroyed.h"
#include "../net/Inet.h"
#include "../net/UnixSocket.h"
#include "../proc/Process.h"
#include "../vfs/Vfs.h"
#include "Config.h"

namespace husk {

namespace {
using kstd::StringView;

kstd::NeverDestroyed<kstd::RefPtr<Socket>> g_dev_log;   // bound to /dev/log
kstd::NeverDestroyed<kstd::RefPtr<Socket>> g_forward;   // connected to the server, or null

// <syslog.h>'s names (RFC 5424's for the facilities Linux leaves unnamed).
const char* const kFacilities[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                    "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "cron2",
                                    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7" };
const char* const kPriorities[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

// One message, taken apart.
struct Message {
    unsigned pri = 13; // LOG_USER | LOG_NOTICE, as syslogd assumes without one
    StringView tag, text;
    uint32_t pid = 0;
};

bool digit(char c) { return c >= '0' && c <= '9'; }

// "Mmm dd hh:mm:ss " (RFC 3164's timestamp, which both libcs write).
bool is_timestamp(StringView s)
{
    return s.length() >= 16 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' && s[12] == ':' && s[15] == ' '
           && digit(s[7]) && digit(s[8]) && digit(s[10]) && digit(s[11]) && digit(s[13]) && digit(s[14]);
}

Message parse(StringView s, uint32_t sender)
{
    Message m;
    while (!s.is_empty() && (s[s.length() - 1] == '\n' || s[s.length() - 1] == 0))
        s = s.substring(0, s.length() - 1);
    if (s.length() > 2 && s[0] == '<') {
        size_t i = 1;
        unsigned pri = 0;
        while (i < s.length() && i < 5 && digit(s[i]))
            pri = pri * 10 + unsigned(s[i++] - '0');
        if (i > 1 && i < s.length() && s[i] == '>' && pri < 8 * 24) {
            m.pri = pri;
            s = s.substring(i + 1);
        }
    }
    if (is_timestamp(s))
        s = s.substring(16);
    // TAG[PID]: or TAG: (a tag has no spaces)
    size_t i = 0;
    while (i < s.length() && i < 64 && s[i] != '[' && s[i] != ':' && s[i] != ' ')
        ++i;
    size_t end = i;
    uint32_t pid = 0;
    if (i < s.length() && s[i] == '[') {
        size_t j = i + 1;
        while (j < s.length() && digit(s[j]))
            pid = pid * 10 + uint32_t(s[j++] - '0');
        i = j < s.length() && s[j] == ']' && j > end + 1 ? j + 1 : s.length();
    }
    if (end > 0 && i < s.length() && s[i] == ':') {
        m.tag = s.substring(0, end);
        m.pid = pid ? pid : sender;
        s = s.substring(i + 1);
        if (!s.is_empty() && s[0] == ' ')
            s = s.substring(1);
    }
    m.text = s;
    return m;
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil(int64_t days, int& year, unsigned& month, unsigned& day)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = unsigned(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    day = doy - (153 * mp + 2) / 5 + 1;
    month = mp < 10 ? mp + 3 : mp - 9;
    year = int(int64_t(yoe) + era * 400 + (month <= 2));
}

// RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
void forward(const Message& m)
{
    Socket* socket = g_forward.get().ptr();
    if (!socket)
        return;
    uint64_t ns = husk_plat_clock_wall();
    uint64_t seconds = ns / 1000000000;
    int year;
    unsigned month, day;
    civil(int64_t(seconds / 86400), year, month, day);
    unsigned in_day = unsigned(seconds % 86400);
    StringView host = Config::get("hostname", "husk");
    char pid[16] = "-";
    if (m.pid)
        kstd::format(pid, sizeof pid, "%u", m.pid);
    char datagram[1200];
    size_t n = kstd::format(datagram, sizeof datagram, "<%u>1 %04d-%02u-%02uT%02u:%02u:%02u.%06luZ %.*s %.*s %s - - %.*s",
                            m.pri, year, month, day, in_day / 3600, in_day / 60 % 60, in_day % 60,
                            (unsigned long)(ns / 1000 % 1000000), int(host.length()), host.data(),
                            m.tag.is_empty() ? 1 : int(m.tag.length()), m.tag.is_empty() ? "-" : m.tag.data(), pid,
                            int(m.text.length()), m.text.data());
    if (n >= sizeof datagram)
        n = sizeof datagram - 1;
    (void)socket->send(IoBuffer::kernel(datagram), n, linux::MSG_DONTWAIT, nullptr);
}

void receive(void*, const uint8_t* data, size_t n, const linux::ucred& sender)
{
    Message m = parse(StringView(reinterpret_cast<const char*>(data), n), uint32_t(sender.pid));
    char line[1100];
    unsigned facility = m.pri >> 3;
    size_t used = kstd::format(line, sizeof line, "<%s.%s> ", kFacilities[facility], kPriorities[m.pri & 7]);
    if (!m.tag.is_empty())
        used += kstd::format(line + used, sizeof line - used, "%.*s[%u]: ", int(m.tag.length()), m.tag.data(), m.pid);
    if (used < sizeof line)
        used += kstd::format(line + used, sizeof line - used, "%.*s", int(m.text.length()), m.text.data());
    Log::write_service(line, used < sizeof line ? used : sizeof line - 1);
    forward(m);
}
} // namespace

namespace {
kstd::ErrorOr<kstd::RefPtr<Socket>> make_dev_log_socket()
{
    kstd::RefPtr<Socket> socket = TRY(UnixSocket::create(linux::SOCK_DGRAM, 0));
    static_cast<UnixSocket*>(socket.ptr())->set_datagram_sink(receive, nullptr);
    return socket;
}

// /dev/log in devfs, made when a program first looks there for it: the
// node (srwxrwxrwx, root's, as a bind with umask 0 makes it) and its socket.
kstd::ErrorOr<void> bind_in_devfs(Vnode& dev)
{
    kstd::RefPtr<Socket> socket = TRY(make_dev_log_socket());
    kstd::RefPtr<Vnode> node = TRY(dev.create("log", linux::S_IFSOCK | 0777, Credentials(), 0));
    if (auto r = static_cast<UnixSocket*>(socket.ptr())->bind_node(*node, "/dev/log"); r.is_error()) {
        (void)dev.unlink("log");
        return r.error();
    }
    g_dev_log.get() = kstd::move(socket);
    return {};
}
} // namespace

kstd::ErrorOr<void> Syslog::install()
{
    Process& init = Process::current();
    // devfs binds it at first use (most programs never log); a /dev that
    // something else was mounted on takes a bind(2) now.
    Resolved dev = TRY(Vfs::resolve(init.path_context(), Vfs::root(), "/dev", FollowLast));
    if (dev.vnode && dev.vnode->fill_on_first_use(bind_in_devfs))
        return {};
    kstd::RefPtr<Socket> socket = TRY(make_dev_log_socket());
    linux::sockaddr_un name { linux::AF_UNIX, "/dev/log" };
    // srw-rw-rw-, as syslogd leaves it: any user may log.
    uint32_t umask = init.umask();
    init.set_umask(0);
    auto bound = socket->bind(SocketAddress::of(&name, uint32_t(sizeof name.sun_family + sizeof "/dev/log")));
    init.set_umask(umask);
    TRY(bound);
    g_dev_log.get() = kstd::move(socket);
    return {};
}

kstd::ErrorOr<void> Syslog::start_forwarding()
{
    StringView spec = Config::get("syslog");
    if (spec.is_empty())
        return {};
    const InetOperations* inet = Inet::operations();
    if (!inet) {
        klog(LogLevel::Error, "syslog: syslog=%.*s: this kernel was linked without TCP/IP networking", int(spec.length()),
             spec.data());
        return kstd::err(kstd::ENETUNREACH);
    }
    g_forward.get() = TRY(inet->syslog_sender(spec));
    klog(LogLevel::Info, "syslog: forwarding /dev/log to %.*s", int(spec.length()), spec.data());
    return {};
}

} // namespace husk
