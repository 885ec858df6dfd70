// husk ctl: rumpctrl's tools — coreutils-like commands run against a husk
// server's kernel (ls, cat, cp, mkdir, rm, mv, ln, stat, df, touch, chmod,
// dmesg, sync, halt).
#pragma once

namespace husk::remote {

int ctl_command(int argc, char** argv);

} // namespace husk::remote
