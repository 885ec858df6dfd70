// libFuzzer over husk server's request decoder (Session): any bytes a
// client sends must end in answers or a closed connection — never a crash,
// an overrun or a leak. Inputs start with a valid greeting when their first
// byte is even, so the fuzzer reaches the requests behind it; the requests
// run in a hosted kernel as a fresh process each time. With bit 1 of the
// first byte set, the bytes are requests as a client puts them in its
// shared ring instead, answered into a ring-sized area of its own.
#include <cstdint>
#include <cstring>
#include <husk/husk.h>
#include <string>
#include <vector>
#include "../../tools/husk/remote/Protocol.h"
#include "../../tools/husk/remote/Session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static bool booted = husk_init("mem=128 loglevel=error") == 0;
    if (!booted || size == 0)
        return 0;
    long pid = husk_process_create("fuzz");
    if (pid < 0)
        return 0;
    {
        husk::remote::Session session(pid);
        bool open = true;
        if (data[0] & 2) {
            // What the server does with a ring: the posted request copied
            // out (its length checked), decoded and answered into the ring.
            static std::vector<char> area(64u << 10);
            std::string frame;
            for (size_t at = 1; open && size - at >= sizeof(husk::remote::Request);) {
                husk::remote::Request req;
                std::memcpy(&req, data + at, sizeof req);
                size_t n = req.length < size - at - sizeof req ? sizeof req + req.length : size - at;
                frame.assign(reinterpret_cast<const char*>(data + at), n);
                open = session.execute_in_ring(frame, area.data(), area.size());
                at += n;
            }
            session.output().clear();
        }
        if (!(data[0] & 1) && !(data[0] & 2)) {
            husk::remote::Hello hello {};
            std::memcpy(hello.magic, husk::remote::kMagic, sizeof hello.magic);
            hello.version = husk::remote::kVersion;
            open = session.feed(reinterpret_cast<const char*>(&hello), sizeof hello);
        }
        // In pieces, as a socket delivers them.
        for (size_t at = 1; open && !(data[0] & 2) && at < size;) {
            size_t n = 1 + data[at] % 97;
            n = n < size - at ? n : size - at;
            open = session.feed(reinterpret_cast<const char*>(data + at), n);
            at += n;
        }
        session.output().clear();
    }
    husk_process_destroy(pid);
    return 0;
}
