#include "Devices.h"
#include <husk/platform.h>
#include "Events.h"
#include "Idt.h"
#include "IoApic.h"
#include "Serial.h"

namespace husk::x86 {

namespace {
bool g_console_input;

bool has_word(const char* cmdline, const char* word)
{
    size_t n = __builtin_strlen(word);
    for (const char* p = cmdline; *p; ++p)
        if ((p == cmdline || p[-1] == ' ') && __builtin_memcmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == 0))
            return true;
    return false;
}

void on_serial(void*) { Events::post(HUSK_EVENT_CONSOLE); }
bool console_can_wake() { return g_console_input; }
} // namespace

void Devices::probe(const char* cmdline)
{
    if (has_word(cmdline, "console_input=1")) {
        uint8_t vector = IoApic::vector_for(Serial::kIrq);
        if (Idt::set_handler(vector, on_serial, nullptr) && IoApic::route(Serial::kIrq, vector, false)) {
            Serial::enable_receive_interrupt();
            g_console_input = true;
            Events::add_source(console_can_wake);
        }
    }
}

} // namespace husk::x86
