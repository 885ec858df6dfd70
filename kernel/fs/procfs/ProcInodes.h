// procfs inode numbers. The fixed tree counts from 1; a process's nodes
// carry its pid in the high half, so a node looked up twice has the same
// number (getcwd and find(1) match entries by it) without any table.
#pragma once

#include "../../kstd/Types.h"

namespace husk::proc_inodes {

inline constexpr uint64_t kRoot = 1, kNet = 2, kNetRoute = 3, kSelf = 4, kCpuinfo = 5, kStat = 6, kMeminfo = 7,
                          kUptime = 8, kLoadavg = 9, kVersion = 10, kFilesystems = 11, kMounts = 12, kSys = 13;
// /proc/sys's nodes, in ProcSysctl's table order.
inline constexpr uint64_t kSysctlFirst = 64;

// What a node of /proc/PID is.
enum class Node : uint8_t {
    Directory = 1, // /proc/PID
    Fds,           // /proc/PID/fd
    FdLink,        // /proc/PID/fd/N
    Cmdline,
    Comm,
    Cwd,
    Exe,
    Root,
    Stat,
    Statm,
    Status,
    Maps,
    Mounts,
    Mountinfo,
};

// fd numbers stay below 2^24 (FdTable::kNrOpen is 2^20).
constexpr uint64_t of(uint32_t pid, Node node, uint32_t fd = 0)
{
    return (uint64_t(pid) << 32) | (uint64_t(node) << 24) | (fd & 0xffffff);
}

} // namespace husk::proc_inodes
