// libFuzzer over husk server's request decoder (Session): any bytes a
// client sends must end in answers or a closed connection — never a crash,
// an overrun or a leak. Inputs start with a valid greeting when their first
// byte is even, so the fuzzer reaches the requests behind it; the requests
// run in a hosted kernel as a fresh process each time.
#include <cstdint>
#include <cstring>
#include <husk/husk.h>
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
        if (!(data[0] & 1)) {
            husk::remote::Hello hello {};
            std::memcpy(hello.magic, husk::remote::kMagic, sizeof hello.magic);
            hello.version = husk::remote::kVersion;
            open = session.feed(reinterpret_cast<const char*>(&hello), sizeof hello);
        }
        // In pieces, as a socket delivers them.
        for (size_t at = 1; open && at < size;) {
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
