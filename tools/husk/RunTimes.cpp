#include "RunTimes.h"
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace husk::tools {

namespace {
struct Note {
    const char* name;
    long long ns;
};
Note g_notes[16];
unsigned g_count;
const char* g_file = std::getenv("HUSK_RUN_TIMES");
} // namespace

void run_time(const char* name)
{
    if (!g_file || g_count == sizeof g_notes / sizeof g_notes[0])
        return;
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    g_notes[g_count++] = { name, ts.tv_sec * 1000000000LL + ts.tv_nsec };
}

void write_run_times()
{
    if (!g_file)
        return;
    run_time("return");
    if (FILE* f = std::fopen(g_file, "a")) {
        for (unsigned i = 0; i < g_count; ++i)
            std::fprintf(f, "%s %lld\n", g_notes[i].name, g_notes[i].ns);
        std::fclose(f);
    }
}

} // namespace husk::tools
