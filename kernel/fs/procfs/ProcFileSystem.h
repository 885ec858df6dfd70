// procfs: /proc, kernel state as text files programs read the Linux way.
// /proc/cpuinfo and /proc/stat (the CPUs: nproc, top, glibc's get_nprocs),
// meminfo, uptime, loadavg, version, filesystems (free, uptime, ps, top,
// libuv), /proc/net/route (route(8), husk ctl route), /proc/sys (sysctl
// values: ProcSysctl.h), /proc/self, /proc/mounts (a link to
// self/mounts) and a directory per process (/proc/PID: cmdline, comm, cwd,
// exe, fd/, maps, mounts, mountinfo, root, stat, statm, status). The fixed
// tree is built when /proc is first looked in, a process's nodes when
// looked up; every file generates its text when read.
#pragma once

#include "../../vfs/FileSystem.h"

namespace husk {

class ProcFileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();

    const char* type_name() const override { return "proc"; }
    kstd::RefPtr<Vnode> root() override { return m_root; }
    void statfs(linux::statfs& out) override;

private:
    ProcFileSystem() = default;
    static kstd::ErrorOr<void> build(Vnode& root);
    kstd::RefPtr<Vnode> m_root;
};

} // namespace husk
