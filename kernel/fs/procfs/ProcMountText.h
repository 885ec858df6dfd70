// /proc/PID/mounts and /proc/PID/mountinfo: the VFS's mount list (Mount,
// kernel/vfs) as a process sees it from its root, in Linux's formats
// (fstab(5) lines; proc(5)'s mountinfo: id, parent id, major:minor, root,
// mount point, options, no optional fields, "-", type, source, super
// options). Mounts outside the process's root are left out, as on Linux.
#pragma once

#include "../../vfs/PathContext.h"
#include "ProcText.h"

namespace husk::proc_mounts {

// Room for either text: a generous line per mount.
size_t text_size();
// May sleep (a chrooted reader's root is looked up by path); uses only
// what context holds.
void mounts(const PathContext& context, ProcText& out);
void mountinfo(const PathContext& context, ProcText& out);

} // namespace husk::proc_mounts
