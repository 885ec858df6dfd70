// The client side of the remote protocol: one connection to husk server,
// system calls by number with their buffers (husk ctl uses it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "Protocol.h"

namespace husk::remote {

class ClientRing;

class Client {
public:
    struct Options {
        std::string token_file; // tcp: "" = $HUSK_TOKEN_FILE, $HUSK_TOKEN, the default file (Token.h)
        unsigned timeout = 30;  // seconds to wait for any answer; 0: forever
        bool ring = true;       // unix: ask for the shared ring (Ring.h); the socket stays the fallback
    };
    // Connects to unix:PATH or tcp:HOST:PORT; "" and a message on failure.
    static std::string connect(const std::string& spec, Client& out, const Options& options);
    static std::string connect(const std::string& spec, Client& out) { return connect(spec, out, Options {}); }
    Client();
    ~Client();
    // In a forked child: drops the child's copies of the connection (the
    // socket, the ring's descriptors) without a word to the server, whose
    // session stays the parent's; the Client is then unconnected.
    void abandon_after_fork();
    // Whether calls go through a shared ring (a local server that offered one).
    bool has_ring() const { return m_ring != nullptr; }

    struct Buffer {
        unsigned arg;
        uint32_t flags; // kIn, kOut, kOutCount
        void* data;
        size_t length;
    };
    // Runs system call nr in the server's kernel; buffers replace the
    // arguments they name. Returns the raw result (negative errno), or
    // -EPIPE/-EPROTO when the connection failed (-ETIMEDOUT: no answer in time).
    long call(long nr, std::vector<uint64_t> args, const std::vector<Buffer>& buffers = {});

private:
    static std::string greet(const std::string& spec, Client& out, const Options& options, uint32_t version,
                             bool& closed);
    long call_in_ring(long nr, const std::vector<uint64_t>& args, const std::vector<Buffer>& buffers);
    bool send_all(const void* data, size_t len);
    bool recv_all(void* data, size_t len, std::vector<int>* fds = nullptr);
    void disconnect();
    int m_fd = -1;
    bool m_timed_out = false;
    unsigned m_timeout = 30;
    std::string m_body; // a request being built (kept: no allocation per call)
    std::unique_ptr<ClientRing> m_ring;
};

} // namespace husk::remote
