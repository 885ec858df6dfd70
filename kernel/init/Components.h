// What a kernel link holds beyond the core, as rumprun's component
// configurations: each kernel is linked with one of kernel/components/
// (docs/architecture.md, "Components"). The full kernel has the TCP/IP
// stack (lwIP and the inet parts of kernel/net: net/Inet.h), 9P, ISO 9660
// and the overlay; the minimal one only the core (ramfs and tmpfs, devfs,
// procfs, sysfs, ext2/3/4, AF_UNIX and netlink sockets, pipes, ...).
// Nothing in the core names a component's code: it reaches each through a
// table the component fills here (file system types, Inet's operations).
#pragma once

namespace husk {

class Components {
public:
    // At boot, after the core's file system types: registers the
    // component file system types and installs the TCP/IP stack.
    static void install();
    // "full" or "minimal", for the boot log.
    static const char* name();
};

} // namespace husk
