// What a dynamically linked program needs from the host to run in a guest
// without a root file system of its own: its interpreter (PT_INTERP) and
// the shared libraries the host's dynamic linker would load for it, packed
// with the program into a cpio archive that the guest unpacks into its
// root (the program at /bin/NAME, each library at its host path), as
// `ops run /usr/bin/prog` does. A program run with a root file system
// (--rootfs) takes them from there instead and needs none of this.
#pragma once

#include <string>
#include <vector>

namespace husk::tools {

// The interpreter a program names (PT_INTERP), "" for a static one or a
// file that is not an x86-64 ELF executable.
std::string program_interpreter(const std::string& data);

struct GuestFile {
    std::string host;  // where the bytes come from
    std::string guest; // absolute path in the guest's root
};

// The interpreter and the libraries it loads for `program`, as the host's
// dynamic linker resolves them (`ld.so --list`: DT_NEEDED, RUNPATH, the
// cache and the standard directories). A library the host lacks is left
// out: the guest's dynamic linker then says which one is missing, as it
// would on Linux. Only an interpreter named ld-* is asked; another is
// packed alone (it may not be a dynamic linker at all).
std::vector<GuestFile> program_libraries(const std::string& program, const std::string& interpreter);

// Writes a cpio "newc" archive of `program` as /bin/NAME (mode 0755; at
// its host path, /bin/NAME a link to it, when it names $ORIGIN) and
// `files` at their guest paths to `out_path`; "" or why not.
std::string write_program_archive(const std::string& program, const std::string& name,
                                  const std::vector<GuestFile>& files, const std::string& out_path);

// For husk run: when `program` is dynamically linked, the archive of it
// and what it needs (an unnamed temporary file, as /proc/self/fd/N, open
// until husk run ends) to boot instead of the program; "" for a static
// one, or with why set when the archive cannot be made.
std::string dynamic_program_archive(const std::string& program, const std::string& name, std::string& why);

} // namespace husk::tools
