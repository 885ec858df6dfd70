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
    static void write(const char* s, size_t len);
    static void write(const char* s);
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
};

} // namespace husk::x86
