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
int g_signal;       // set by the interrupt, read by the kernel
uint64_t g_pending; // host signals to pid 1: bit N-1 for signal N

// "PREFIXN" with N in 1..64, else 0.
int parse(const char* line, unsigned length, const char* prefix)
{
    unsigned n_prefix = 0;
    while (prefix[n_prefix])
        ++n_prefix;
    if (length <= n_prefix || length > n_prefix + 2)
        return 0;
    for (unsigned i = 0; i < n_prefix; ++i)
        if (line[i] != prefix[i])
            return 0;
    int n = 0;
    for (unsigned i = n_prefix; i < length; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return 0;
        n = n * 10 + (line[i] - '0');
    }
    return n >= 1 && n <= 64 ? n : 0;
}

// "husk-stop:N" asks for a stop, "husk-signal:N" sends pid 1 signal N;
// anything else is ignored.
void on_line(const char* line, unsigned length)
{
    if (int signal = parse(line, length, "husk-stop:")) {
        if (!__atomic_load_n(&g_signal, __ATOMIC_RELAXED)) {
            __atomic_store_n(&g_signal, signal, __ATOMIC_RELAXED);
            Events::post(HUSK_EVENT_STOP);
        }
    } else if (int signal = parse(line, length, "husk-signal:")) {
        __atomic_or_fetch(&g_pending, uint64_t(1) << (signal - 1), __ATOMIC_RELAXED);
        Events::post(HUSK_EVENT_SIGNAL);
    }
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
            on_line(g_line, g_length);
            g_length = 0;
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

int StopChannel::take_signal()
{
    uint64_t pending = __atomic_load_n(&g_pending, __ATOMIC_RELAXED);
    while (pending) {
        uint64_t lowest = pending & -pending;
        if (__atomic_compare_exchange_n(&g_pending, &pending, pending & ~lowest, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            return __builtin_ctzll(lowest) + 1;
    }
    return 0;
}

} // namespace husk::x86

extern "C" int husk_plat_stop_requested(void) { return husk::x86::StopChannel::requested(); }
extern "C" int husk_plat_host_signal(void) { return husk::x86::StopChannel::take_signal(); }
