// husk run -i's side of the guest's streams, so that `husk run -i prog < in
// > out 2> err` behaves as `prog < in > out 2> err` on the host:
//
//   guest                     QEMU                         husk run
//   fd 0, fd 1 (COM1)   <->   -serial stdio (fd 0: a pipe  stdin, escaped (below);
//                             from husk run, or the tty)   stdout: QEMU writes it
//   fd 2 (port 0xea)    ->    isa-debugcon, socket    ->   stderr
//   kernel log (0xe9)   ->    isa-debugcon, socket    ->   kept; stderr with -v
//                                                          or when the guest failed
//   status (COM2)       <->   socket                  <->  husk-exit:N, husk-input,
//                                                          husk-stop:SIGNAL
//
// A terminal stays the guest's terminal (QEMU reads it). A pipe or file is
// relayed once the guest says its receive FIFO is ready ("husk-input" on
// COM2; earlier bytes would be lost), escaped: 0xff 0xff is a 0xff byte,
// 0xff 0x00 the end of the input, which the guest's reads then see as end
// of file. When husk run's stdout and stderr are the same file (2>&1, one
// terminal), the program's stderr shares the console so that the order of
// its lines is kept (and with -v, the kernel's log as well).
#pragma once

#include <poll.h>
#include <string>
#include <vector>

namespace husk::tools {

class GuestStdio {
public:
    explicit GuestStdio(bool verbose);
    ~GuestStdio();
    GuestStdio(const GuestStdio&) = delete;
    GuestStdio& operator=(const GuestStdio&) = delete;

    // Creates the pipes and sockets; "" or why not.
    std::string open();
    // The kernel command line word for the console's input.
    std::string console_input_word() const { return m_relay_input ? "console_input=stream" : "console_input=1"; }
    // QEMU chardev backends for the program's stderr and the kernel's log
    // ("" for stderr: it shares the console).
    std::string error_chardev() const;
    std::string log_chardev() const;
    // In QEMU's child before exec: its stdin, its ends crossing exec.
    void prepare_child() const;
    // In husk run after the fork: closes QEMU's ends.
    void after_fork();

    // The poll loop's share: descriptors to watch, then what they said.
    void add_poll_fds(std::vector<pollfd>& fds);
    void handle(const std::vector<pollfd>& fds);
    // What the status channel said so far (the relay starts at "husk-input").
    void status_text(const std::string& text);
    // QEMU is gone: the rest of the program's stderr and the kernel's log.
    void drain();
    // Whether the kernel's log so far holds text.
    bool log_mentions(const char* text) const { return m_log_text.find(text) != std::string::npos; }
    // Writes the kernel's log to stderr unless -v already did.
    void show_log();

private:
    void relay_input();
    void read_stream(int fd, bool log);

    bool m_verbose;
    bool m_relay_input;        // stdin is not a terminal: relayed and escaped
    bool m_error_apart = true; // stdout and stderr are different files
    bool m_ready = false, m_input_done = false;
    int m_input[2] = { -1, -1 }; // pipe: husk run -> QEMU's stdin
    int m_error[2] = { -1, -1 }; // socket pairs: [0] husk run's, [1] QEMU's
    int m_log[2] = { -1, -1 };
    std::string m_pending; // escaped input not yet taken by the pipe
    std::string m_log_text;
    size_t m_poll_base = 0;
};

} // namespace husk::tools
