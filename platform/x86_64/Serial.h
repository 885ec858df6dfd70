// The 16550 UART at COM1: the console of a bare-metal Husk, from the first
// instruction to the last (polled output: no interrupts needed to print a
// panic). Input is read from the receive register when the kernel asks.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class Serial {
public:
    static constexpr uint16_t kCom1 = 0x3f8;
    static constexpr uint8_t kIrq = 4;

    static void init();
    // The console (COM1): the program's terminal. Bytes go out as they are
    // (no CR added: the host's terminal adds it, and a file or pipe on the
    // host gets the program's exact bytes).
    static void write(const char* s, size_t len);
    static void write(const char* s);
    // The kernel's log and the program's standard error: QEMU debug
    // console ports (isa-debugcon: output only, one OUT per byte, no
    // interrupt) when husk run gave them, else the console.
    static constexpr uint16_t kLogPort = 0xe9, kErrorPort = 0xea;
    static void write_log(const char* s, size_t len);
    static void write_log(const char* s);
    static bool has_log_port();
    static void write_error(const char* s, size_t len);
    // COM2 carries the exit status to `husk run` (one line, husk-exit:N)
    // and stop requests from it (one line, husk-stop:SIGNAL).
    static constexpr uint16_t kCom2 = 0x2f8;
    static constexpr uint8_t kCom2Irq = 3;
    static void write_status(const char* s, size_t len);
    static size_t read_status_channel(char* buf, size_t len);
    static void enable_status_receive_interrupt();
    // Returns the bytes already received (never waits).
    static size_t read(char* buf, size_t len);
    static bool input_pending();
    // Interrupt on received data (for HUSK_EVENT_CONSOLE while idle).
    static void enable_receive_interrupt();
    // 16-byte FIFOs: input in bursts (husk run's relayed stream); before
    // anything is sent, since the switch drops bytes already received.
    static void enable_fifo();
};

} // namespace husk::x86
