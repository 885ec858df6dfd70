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
    unsigned cpus = 1; // -smp; TCG runs them in parallel (thread=multi)
    std::vector<std::string> disks;
    std::string root_disk;            // --rootfs's image: attached read-only after disks
    std::vector<std::string> netdevs; // QEMU -netdev specs, one virtio-net device each
    struct Volume {
        std::string host_dir; // shared over virtio-9p with mount tag husk0, husk1, ...
        bool read_only = false;
    };
    std::vector<Volume> volumes;
    bool interactive = false;        // console input from stdin
    bool verbose = false;            // -v: the kernel's log on stderr as it comes
    std::vector<std::string> cmdline; // kernel command line words
    // The guest's configuration (a JSON object, docs/configuration.md),
    // handed over as fw_cfg's opt/husk/config: a file QEMU reads, or the
    // text itself (--dry-run shows it so).
    std::string config_file, config_text;
    std::string console_input;        // console_input=1 (a terminal) or =stream (husk run's relay), or none
    double timeout_s = 0;            // 0: none
    double stop_timeout_s = 10;      // how long a stop (SIGTERM to husk run) waits for the guest
    std::vector<std::string> qemu_args; // -g: appended to QEMU's command line as they are
    std::string image;
    std::string program; // a static executable the image runs (a PVH module), or empty
};

// Where QEMU sends each of the guest's streams: chardev backends ("stdio",
// "socket,fd=N", "file,path=P,append=on"); error "" shares the console.
struct GuestChardevs {
    std::string console = "stdio"; // COM1: the program's terminal (fd 0, 1)
    std::string error;             // debug port 0xea: the program's stderr
    std::string log;               // debug port 0xe9: the kernel's messages
    std::string status;            // COM2: husk-exit:N, husk-input; husk-stop:SIGNAL, husk-signal:N
};

class QemuLauncher {
public:
    explicit QemuLauncher(RunOptions options);
    // The QEMU arguments (argv[0] included).
    std::vector<std::string> arguments(const GuestChardevs& chardevs) const;
    // Runs the guest in the foreground, its streams as husk run's own
    // (GuestStdio.h); returns its exit status (0..255), 124 on timeout, or
    // 125 when QEMU failed or the guest stopped without reporting one.
    // SIGTERM, SIGINT or SIGHUP ask the guest to stop (it syncs and halts
    // with 128 + signal); 137 when it did not in time.
    int run();
    const RunOptions& options() const { return m_options; }

private:
    RunOptions m_options;
};

// The host's TSC rate in kHz (a TCG guest's TSC runs at it), 0 if unknown.
unsigned long host_tsc_khz();

} // namespace husk::tools
