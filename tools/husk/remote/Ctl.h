// husk ctl: rumpctrl's tools — coreutils-like commands run against a husk
// server's kernel (ls, cat, cp, mkdir, rm, mv, ln, stat, df, touch, chmod,
// dmesg, sync, halt).
#pragma once

#include "../Cli.h"

namespace husk::remote {

tools::Runner declare_ctl(CLI::App& app);

} // namespace husk::remote
