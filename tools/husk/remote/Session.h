// One client's side of the protocol in the server: bytes in, complete
// requests checked and run as the connection's kernel process, responses
// out. Apart from the socket so it can be tested and fuzzed alone.
#pragma once

#include <string>

namespace husk::remote {

class Session {
public:
    explicit Session(long pid) : m_pid(pid) {}
    long pid() const { return m_pid; }
    // Takes bytes from the client; false when they break the protocol (the
    // connection must close). Runs every request they complete.
    bool feed(const char* data, size_t length);
    // What to send to the client; the caller removes what it sent.
    std::string& output() { return m_out; }
    // A client asked the server to halt.
    bool halted() const { return m_halt; }

private:
    bool execute(const char* frame);
    bool is_socket(long fd) const;
    long m_pid;
    bool m_greeted = false;
    bool m_halt = false;
    std::string m_in, m_out;
};

} // namespace husk::remote
