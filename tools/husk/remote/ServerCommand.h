// husk server's command line (rump_server's flags where they fit).
#pragma once

namespace husk::remote {

int server_command(int argc, char** argv);

} // namespace husk::remote
