// A POSIX scenario: one body, run once against Linux and once against Husk;
// the two traces must be equal. Written over "the work directory", never a
// particular file system, so the same scenarios run over every file system
// Husk mounts (like NetBSD's tests/fs).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>
#include "Sys.h"

namespace posix {

struct Scenario {
    const char* family;
    const char* name;
    void (*body)(Sys& s);
};

std::vector<Scenario>& scenarios();

struct Registrar {
    Registrar(const char* family, const char* name, void (*body)(Sys&)) { scenarios().push_back({ family, name, body }); }
};

} // namespace posix

#define SCENARIO(family, name)                                                                         \
    static void scenario_##family##_##name(posix::Sys& s);                                            \
    static posix::Registrar registrar_##family##_##name(#family, #name, scenario_##family##_##name); \
    static void scenario_##family##_##name([[maybe_unused]] posix::Sys& s)
