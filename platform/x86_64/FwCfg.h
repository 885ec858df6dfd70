// QEMU's firmware configuration device (fw_cfg): named files the host
// hands the guest (-fw_cfg name=opt/husk/config,file=PATH: husk run's
// configuration, which the kernel command line's length could not carry).
// Read through its DMA interface where QEMU offers one (microvm and the PC
// machines do): a request moves a whole chunk, where the data port costs
// an exit per byte.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class FwCfg {
public:
    struct File {
        uint16_t select;
        uint32_t size;
    };
    // The file named `name` (false: no fw_cfg device, or no such file).
    static bool find(const char* name, File& out);
    // Reads the whole file into dst (file.size bytes). False on a DMA error.
    static bool read(const File& file, void* dst);
    // The first `size` bytes of a fixed item (FW_CFG_NB_CPUS, ...); false
    // without a fw_cfg device.
    static bool read_item(uint16_t key, void* dst, size_t size);
};

} // namespace husk::x86
