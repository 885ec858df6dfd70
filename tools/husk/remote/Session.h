// One client's side of the protocol in the server: bytes in, complete
// requests checked and run as the connection's kernel process, responses
// out. Apart from the socket so it can be tested and fuzzed alone.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace husk::remote {

class Session {
public:
    // Replies waiting to be sent beyond this stop the session from running
    // more requests and from asking for input: a client that never reads
    // cannot make the server grow.
    static constexpr size_t kOutputBound = 4u << 20;

    explicit Session(long pid) : m_pid(pid) {}
    long pid() const { return m_pid; }
    // Over TCP an Auth follows the Hello; with a token (not --insecure) it
    // must match, or the connection is refused.
    void expect_auth(const std::string& token)
    {
        m_auth = true;
        m_token = token;
    }
    // A version 3 client may ask for a shared ring (Ring.h): `make` sets one
    // up for this connection and says whether it could. Unset: never.
    void offer_ring(std::function<bool()> make) { m_make_ring = std::move(make); }
    // Runs one request the client put in its ring (a private copy of it,
    // `frame`), answering into `area` (the ring's data area, `capacity`
    // bytes): the response, then each OUT buffer at its full length's slot.
    // false when it is malformed or its answer could not fit.
    bool execute_in_ring(const std::string& frame, char* area, size_t capacity);

    // Under pressure (the server holds too much for all its clients) only
    // requests with small replies run; the rest wait.
    static constexpr size_t kSmallReply = 1u << 20;

    // Takes bytes from the client; false when they break the protocol (the
    // connection must close). Runs the requests they complete while the
    // unsent replies stay within kOutputBound.
    bool feed(const char* data, size_t length, bool pressure = false);
    // Runs requests held back by kOutputBound (or pressure) once replies were sent.
    bool resume(bool pressure = false) { return run(pressure); }
    bool can_resume() const { return !m_halt && m_out.size() < kOutputBound && complete(); }
    // Whether the server should read more: not while replies pile up or a
    // whole request waits to run.
    bool wants_input() const { return !m_halt && m_out.size() < kOutputBound && !complete(); }
    // Bytes held for this connection (requests in, replies out).
    size_t buffered() const { return m_in.size() + m_out.size(); }
    // What to send to the client; the caller removes what it sent.
    std::string& output() { return m_out; }
    // A client asked the server to halt.
    bool halted() const { return m_halt; }

private:
    bool run(bool pressure);
    bool complete() const;
    bool greet();
    bool execute(const char* frame, char* area = nullptr);
    bool is_socket(long fd) const;
    long m_pid;
    bool m_greeted = false;
    bool m_halt = false;
    bool m_auth = false;
    std::string m_token;
    std::string m_in, m_out;
    std::function<bool()> m_make_ring;
};

} // namespace husk::remote
