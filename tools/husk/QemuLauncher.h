// Builds the QEMU command line for a Husk image and runs it: machine type,
// accelerator, memory, disks, console, the exit-status channel, timeout.
#pragma once

#include <string>
#include <vector>

namespace husk::tools {

struct RunOptions {
    bool kvm = false;
    std::string machine = "microvm"; // microvm (virtio-mmio) | q35 | pc (virtio-pci)
    unsigned memory_mib = 64;
    std::vector<std::string> disks;
    std::string root_disk;            // --rootfs's image: attached read-only after disks
    std::vector<std::string> netdevs; // QEMU -netdev specs, one virtio-net device each
    bool interactive = false;        // console input from stdin
    std::vector<std::string> cmdline; // kernel command line words
    double timeout_s = 0;            // 0: none
    double stop_timeout_s = 10;      // how long a stop (SIGTERM to husk run) waits for the guest
    std::vector<std::string> qemu_args; // -g: appended to QEMU's command line as they are
    std::string image;
    std::string program; // a static executable the image runs (a PVH module), or empty
};

class QemuLauncher {
public:
    explicit QemuLauncher(RunOptions options);
    // The QEMU arguments (argv[0] included); status_chardev is the backend
    // of COM2's -chardev (e.g. "file,path=PATH"), which carries the status.
    std::vector<std::string> arguments(const std::string& status_chardev) const;
    // Runs the guest in the foreground; returns its exit status (0..255),
    // 124 on timeout, or 125 when QEMU failed or the guest stopped without
    // reporting one. SIGTERM, SIGINT or SIGHUP ask the guest to stop (it
    // syncs and halts with 128 + signal); 137 when it did not in time.
    int run();
    // Starts the guest detached from this process (rumprun without -i):
    // its console goes to a log file, its status to LOG.status; prints
    // where. 0 when it started.
    int start_detached();

private:
    RunOptions m_options;
};

// The host's TSC rate in kHz (a TCG guest's TSC runs at it), 0 if unknown.
unsigned long host_tsc_khz();

} // namespace husk::tools
