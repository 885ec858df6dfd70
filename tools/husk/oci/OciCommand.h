// husk oci (also run as husk-oci): the OCI runtime command line as runc
// has it (create, start, state, kill, delete, list, features, --version),
// one Husk microVM per container (docs/oci.md).
//
// State: ROOT/ID/ (--root, default /run/husk-oci):
//   state.json   the container's record (OciState.h), rewritten whole
//   lock         flock'ed by the container's supervisor while it lives
//   control      the supervisor's unix socket: "start", "kill N"
//
// The container's pid is its supervisor, a process create leaves behind
// (setsid) holding create's stdin, stdout and stderr: it waits for
// "start", then runs `husk run -i` with those as its stdio, forwards
// kill's signals and exits with the container's status.
#pragma once

#include <string>
#include <vector>
#include "../Cli.h"

namespace husk::tools {

Runner declare_oci(CLI::App& app);
// args: everything after "oci" (or husk-oci's argv[1...]).
int oci_main(const std::vector<std::string>& args);

} // namespace husk::tools
