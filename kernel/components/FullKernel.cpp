// The full kernel (husk run's and husk bake's default): the core with the
// TCP/IP stack, 9P, ISO 9660 and the overlay (init/Components.h).
#include "../fs/iso9660/IsoFileSystem.h"
#include "../fs/ninep/NinepClient.h"
#include "../fs/ninep/NinepFileSystem.h"
#include "../fs/overlay/OverlayFileSystem.h"
#include "../init/BootNetwork.h"
#include "../init/Components.h"
#include "../init/SyslogSender.h"
#include "../net/Inet.h"
#include "../net/InetSockets.h"
#include "../net/InterfaceTable.h"

namespace husk {

namespace {
constexpr InetOperations kInet = {
    InetSockets::create,      InterfaceTable::ioctl,       InterfaceTable::interfaces, InterfaceTable::ipv6_routes,
    InterfaceTable::route_text, BootNetwork::configure_all, SyslogSender::open,
};
} // namespace

void Components::install()
{
    IsoFileSystem::register_type();
    OverlayFileSystem::register_type();
    ninep::Client::probe_all();
    NinepFileSystem::register_type();
    Inet::install(kInet);
}

const char* Components::name() { return "full"; }

} // namespace husk
