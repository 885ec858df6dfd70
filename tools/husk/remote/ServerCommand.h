// husk server's command line (rump_server's flags where they fit).
#pragma once

#include "../Cli.h"

namespace husk::remote {

tools::Runner declare_server(CLI::App& app);

} // namespace husk::remote
