// boot_times=1 (Main.cpp prints the boot steps): the guest's time from its
// first instruction to its halt, printed on the log just before the exit
// status goes out (bench/boot and bench/run place the guest on the host's
// clock with it).
#pragma once

namespace husk::x86 {
void print_halt_time();
}
