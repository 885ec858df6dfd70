// sendmmsg/recvmmsg over loopback UDP and AF_UNIX datagram pairs (glibc's
// resolver sends its A and AAAA queries with one sendmmsg).
#include <sys/socket.h>
#include <sys/uio.h>
#include <cstring>
#include "Scenario.h"

namespace {
long L(const void* p) { return long(reinterpret_cast<uintptr_t>(p)); }

struct Batch {
    char data[4][16] {};
    struct iovec iov[4] {};
    struct mmsghdr msgs[4] {};
    Batch(std::initializer_list<const char*> texts = {})
    {
        int i = 0;
        for (int k = 0; k < 4; ++k) {
            iov[k] = { data[k], sizeof data[k] };
            msgs[k].msg_hdr.msg_iov = &iov[k];
            msgs[k].msg_hdr.msg_iovlen = 1;
        }
        for (auto t : texts) {
            std::strcpy(data[i], t);
            iov[i].iov_len = std::strlen(t);
            ++i;
        }
    }
    std::string show(int n) const
    {
        std::string out;
        for (int k = 0; k < n; ++k)
            out += std::string(data[k], msgs[k].msg_len) + "(" + std::to_string(msgs[k].msg_len) + ") ";
        return out;
    }
};
} // namespace

SCENARIO(mmsg, unix_datagrams_in_batches)
{
    auto p = s.socketpair(AF_UNIX, SOCK_DGRAM);
    Batch out({ "alpha", "be", "gamma!" });
    s.raw("sendmmsg 3", SYS_sendmmsg, p.first, L(out.msgs), 3, 0);
    s.note("lengths " + std::to_string(out.msgs[0].msg_len) + " " + std::to_string(out.msgs[1].msg_len) + " " +
           std::to_string(out.msgs[2].msg_len));
    Batch in;
    long n = s.raw("recvmmsg 2", SYS_recvmmsg, p.second, L(in.msgs), 2, 0, 0);
    s.note(in.show(int(n > 0 ? n : 0)));
    Batch in2;
    n = s.raw("recvmmsg 4 waitforone", SYS_recvmmsg, p.second, L(in2.msgs), 4, MSG_WAITFORONE, 0);
    s.note(in2.show(int(n > 0 ? n : 0)));
    s.raw("recvmmsg empty dontwait", SYS_recvmmsg, p.second, L(in2.msgs), 4, MSG_DONTWAIT, 0);
    s.raw("sendmmsg 0", SYS_sendmmsg, p.first, L(out.msgs), 0, 0);
    s.raw("sendmmsg bad fd", SYS_sendmmsg, 999, L(out.msgs), 1, 0);
    s.raw("recvmmsg bad fd", SYS_recvmmsg, 999, L(in.msgs), 1, 0, 0);
    s.raw("sendmmsg bad vector", SYS_sendmmsg, p.first, 8, 1, 0);
    int file = int(s.open(".", O_RDONLY | O_DIRECTORY));
    s.raw("sendmmsg not a socket", SYS_sendmmsg, file, L(out.msgs), 1, 0);
    s.close(p.first);
    s.close(p.second);
}

SCENARIO(mmsg, udp_loopback_with_timeout)
{
    int a = int(s.socket(AF_INET, SOCK_DGRAM));
    int b = int(s.socket(AF_INET, SOCK_DGRAM));
    s.bind_inet(b, AF_INET, "127.0.0.1", 0);
    s.connect_inet(a, AF_INET, "127.0.0.1", s.port_of(b));
    Batch out({ "query-A", "query-AAAA" });
    s.raw("sendmmsg 2", SYS_sendmmsg, a, L(out.msgs), 2, 0);
    Batch in;
    struct timespec t { 5, 0 };
    long n = s.raw("recvmmsg 2 timeout", SYS_recvmmsg, b, L(in.msgs), 2, 0, L(&t));
    s.note(in.show(int(n > 0 ? n : 0)));
    s.note(std::string("timeout left ") + (t.tv_sec <= 5 && t.tv_sec >= 0 ? "in range" : "wrong"));
    struct timespec bad { 0, 2000000000 };
    s.raw("recvmmsg bad timeout", SYS_recvmmsg, b, L(in.msgs), 2, MSG_DONTWAIT, L(&bad));
    s.raw("recvmmsg nothing, dontwait", SYS_recvmmsg, b, L(in.msgs), 2, MSG_DONTWAIT, 0);
}
