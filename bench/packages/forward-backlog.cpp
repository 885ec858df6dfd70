// forward-backlog PID NETDEV: what husk run -P does for its guest
// (tools/husk/ForwardBacklog), done for a QEMU that the benchmark starts
// itself (the Linux microVM): widens the listen backlog of the hostfwd
// sockets of NETDEV (QEMU's -netdev user,... text) in QEMU process PID from
// libslirp's 1 to SOMAXCONN. Without it, a burst of connects (redis-benchmark's
// 50 clients) overflows the host's accept queue: SYNs are dropped and
// retried after 1, 2, 4 ... s, and clients see resets. Both guests of
// bench/packages then sit behind the same forward.
#include "../../tools/husk/ForwardBacklog.h"
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <signal.h>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: forward-backlog PID NETDEV\n");
        return 2;
    }
    pid_t qemu = pid_t(std::atoi(argv[1]));
    husk::tools::ForwardBacklog forwards({ argv[2] });
    if (forwards.done()) {
        std::fprintf(stderr, "forward-backlog: no tcp hostfwd in %s\n", argv[2]);
        return 2;
    }
    // ForwardBacklog gives up by itself after a few seconds (or when QEMU
    // cannot be reached): then done() is true with nothing widened, and the
    // caller sees the backlog unchanged (ss -ltn: Send-Q).
    while (!forwards.done() && kill(qemu, 0) == 0) {
        forwards.widen(qemu);
        poll(nullptr, 0, forwards.poll_ms(1000));
    }
    return 0;
}
