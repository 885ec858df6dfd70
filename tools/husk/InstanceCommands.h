// The commands on named instances (husk run -d; InstanceStore.h), as
// Docker's: ps, logs, stop, kill, rm, inspect.
#pragma once

#include "Cli.h"

namespace husk::tools {

Runner declare_ps(CLI::App& app);
Runner declare_logs(CLI::App& app);
Runner declare_stop(CLI::App& app);
Runner declare_kill(CLI::App& app);
Runner declare_rm(CLI::App& app);
Runner declare_inspect(CLI::App& app);

} // namespace husk::tools
