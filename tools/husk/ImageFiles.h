// What the husk tool needs to know about files: where its own parts are
// (the program image, the bake kit: beside the husk binary in the build
// tree, in ../lib/husk/ when installed), whether a file is a bootable Husk image, and whether a program is a
// static x86-64 Linux executable Husk can run.
#pragma once

#include <string>
#include <vector>

namespace husk::tools {

// The directory of the running husk binary, ending in '/'.
std::string tool_dir();
// One of husk's own files (KIT_PROGRAM_IMAGE, KIT_BAKE): in the build tree
// platform/x86_64/NAME beside the husk binary, installed (bin/husk)
// ../lib/husk/NAME. Found from /proc/self/exe, so a copied tree works too.
std::string kit_file(const std::string& name);
inline constexpr const char* KIT_PROGRAM_IMAGE = "husk-program.elf";
inline constexpr const char* KIT_BAKE = "bake/";
// The kernels husk run boots a program with and husk bake links one with
// (--kernel; kernel/init/Components.h): the kit's image and bake object.
struct KernelKind {
    const char* name;
    const char* image;       // in the kit
    const char* bake_object; // in the kit's bake/
    const char* what;
};
inline constexpr KernelKind kKernels[] = {
    { "full", KIT_PROGRAM_IMAGE, "husk-program.o",
      "every component (the default): TCP/IP networking, 9P volumes, ISO 9660, the overlay root" },
    { "minimal", "husk-program-minimal.elf", "husk-program-minimal.o",
      "without TCP/IP networking (AF_INET: EAFNOSUPPORT; AF_UNIX stays), 9P volumes (--volume), ISO 9660 and the "
      "overlay root (--rootfs): a smaller image" },
};
// kKernels' entry of that name (the first, full, for "").
const KernelKind& kernel_kind(const std::string& name);
// kKernels' names, for --kernel's check.
std::vector<std::string> kernel_names();
// The image `husk run PROGRAM` boots: the kit's for the kernel; for the
// full kernel HUSK_PROGRAM_IMAGE when set.
std::string program_image(const std::string& kernel = "");
// s as one word for /bin/sh: single-quoted, ' written as '\''.
std::string shell_word(const std::string& s);

// The whole file, or "" with why set ("is a directory", "empty file",
// "cannot read it: ..."). Plain read(2): an ifstream throws on a directory.
std::string read_file(const std::string& path, std::string& why);

// What a file given to husk run or husk bake is (read once).
struct FileKind {
    bool elf = false;            // a readable file that starts as an ELF does
    bool husk_image = false;     // an ELF with a PVH entry note
    std::string baked_config;    // husk bake's configuration (hw_virtio, hw_generic), or ""
    std::string baked_name;      // the baked program's file name
    std::string baked_cpus;      // husk bake -c: the default vCPUs, or ""
    std::string baked_kernel;    // husk bake --kernel ("": full, as images baked before the option)
    std::string program_problem; // "" for a static x86-64 Linux executable; else why not
};
FileKind inspect(const std::string& path);

} // namespace husk::tools
