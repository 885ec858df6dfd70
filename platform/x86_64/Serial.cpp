#include "Serial.h"
#include "../../kernel/kstd/StringView.h"
#include "Cpu.h"

namespace husk::x86 {

namespace {
constexpr uint16_t kData = Serial::kCom1;
constexpr uint16_t kIntEnable = Serial::kCom1 + 1;
constexpr uint16_t kFifo = Serial::kCom1 + 2;
constexpr uint16_t kLineCtl = Serial::kCom1 + 3;
constexpr uint16_t kModemCtl = Serial::kCom1 + 4;
constexpr uint16_t kLineStatus = Serial::kCom1 + 5;
constexpr uint8_t kDataReady = 0x01;
constexpr uint8_t kTransmitEmpty = 0x20;

void put(uint16_t port, char c)
{
    // Bounded wait: a missing UART reads 0xff (always "empty") and a stuck
    // one must not hang a panic forever.
    for (int spin = 0; spin < 100000 && !(inb(port + 5) & kTransmitEmpty); ++spin)
        asm volatile("pause");
    outb(port, uint8_t(c));
}

// An isa-debugcon reads back its configured value (husk run sets it to the
// port's number); an empty port reads 0xff.
bool g_log_port, g_error_port;
bool debugcon_present(uint16_t port) { return inb(port) == uint8_t(port); }

void write_debugcon(uint16_t port, const char* s, size_t len)
{
    for (size_t i = 0; i < len; ++i)
        outb(port, uint8_t(s[i]));
}
} // namespace

void Serial::init()
{
    outb(kIntEnable, 0x00);
    outb(kLineCtl, 0x80); // divisor latch: 115200 baud
    outb(kData, 0x01);
    outb(kIntEnable, 0x00);
    outb(kLineCtl, 0x03); // 8N1
    // FIFOs off: switching them on drops what was already received (a key
    // typed before boot); a relayed stream turns them on before it asks
    // for bytes (enable_fifo).
    outb(kFifo, 0x00);
    outb(kModemCtl, 0x0b); // DTR, RTS, OUT2 (routes the IRQ line)
    g_log_port = debugcon_present(kLogPort);
    g_error_port = debugcon_present(kErrorPort);
}

void Serial::write(const char* s, size_t len)
{
    for (size_t i = 0; i < len; ++i)
        put(kData, s[i]);
}

void Serial::write_log(const char* s, size_t len)
{
    if (g_log_port)
        write_debugcon(kLogPort, s, len);
    else
        write(s, len);
}

void Serial::write_log(const char* s) { write_log(s, kstd::StringView::cstrlen(s)); }

bool Serial::has_log_port() { return g_log_port; }

void Serial::write_error(const char* s, size_t len)
{
    if (g_error_port)
        write_debugcon(kErrorPort, s, len);
    else
        write(s, len);
}

void Serial::write(const char* s) { write(s, kstd::StringView::cstrlen(s)); }

void Serial::write_status(const char* s, size_t len)
{
    for (size_t i = 0; i < len; ++i)
        put(kCom2, s[i]);
}

bool Serial::input_pending()
{
    uint8_t status = inb(kLineStatus);
    return status != 0xff && (status & kDataReady);
}

size_t Serial::read(char* buf, size_t len)
{
    size_t n = 0;
    while (n < len && input_pending())
        buf[n++] = char(inb(kData));
    return n;
}

void Serial::enable_receive_interrupt() { outb(kIntEnable, 0x01); }

void Serial::enable_fifo() { outb(kFifo, 0xc7); } // on, cleared, 14-byte trigger

size_t Serial::read_status_channel(char* buf, size_t len)
{
    size_t n = 0;
    for (uint8_t status; n < len && (status = inb(kCom2 + 5)) != 0xff && (status & kDataReady);)
        buf[n++] = char(inb(kCom2));
    return n;
}

void Serial::enable_status_receive_interrupt()
{
    outb(kCom2 + 3, 0x03); // 8N1
    outb(kCom2 + 2, 0xc7); // FIFOs on, cleared
    outb(kCom2 + 4, 0x0b); // DTR, RTS, OUT2 (routes the IRQ line)
    outb(kCom2 + 1, 0x01); // interrupt on received data
}

} // namespace husk::x86
