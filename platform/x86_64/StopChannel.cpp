#include "StopChannel.h"
#include <husk/platform.h>
#include "Events.h"
#include "Idt.h"
#include "IoApic.h"
#include "Serial.h"

namespace husk::x86 {

namespace {
char g_line[32]; // the line being received (interrupt context only)
unsigned g_length;
int g_signal;    // set by the interrupt, read by the kernel

// "husk-stop:N" with N in 1..64; anything else is ignored.
int parse(const char* line, unsigned length)
{
    static const char prefix[] = "husk-stop:";
    constexpr unsigned kPrefix = sizeof prefix - 1;
    if (length <= kPrefix || length > kPrefix + 2)
        return 0;
    for (unsigned i = 0; i < kPrefix; ++i)
        if (line[i] != prefix[i])
            return 0;
    int n = 0;
    for (unsigned i = kPrefix; i < length; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return 0;
        n = n * 10 + (line[i] - '0');
    }
    return n >= 1 && n <= 64 ? n : 0;
}

void on_input(void*)
{
    char buf[16];
    while (size_t n = Serial::read_status_channel(buf, sizeof buf)) {
        for (size_t i = 0; i < n; ++i) {
            if (buf[i] != '\n') {
                if (g_length < sizeof g_line)
                    g_line[g_length++] = buf[i];
                continue;
            }
            int signal = parse(g_line, g_length);
            g_length = 0;
            if (signal && !__atomic_load_n(&g_signal, __ATOMIC_RELAXED)) {
                __atomic_store_n(&g_signal, signal, __ATOMIC_RELAXED);
                Events::post(HUSK_EVENT_STOP);
            }
        }
    }
}
} // namespace

void StopChannel::init()
{
    uint8_t vector = IoApic::vector_for(Serial::kCom2Irq);
    if (Idt::set_handler(vector, on_input, nullptr) && IoApic::route(Serial::kCom2Irq, vector, false))
        Serial::enable_status_receive_interrupt();
}

int StopChannel::requested() { return __atomic_load_n(&g_signal, __ATOMIC_RELAXED); }

} // namespace husk::x86

extern "C" int husk_plat_stop_requested(void) { return husk::x86::StopChannel::requested(); }
