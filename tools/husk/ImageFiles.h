// What the husk tool needs to know about files: where its own parts are
// (the program image, the bake kit: beside the husk binary in the build
// tree), whether a file is a bootable Husk image, and whether a program is a
// static x86-64 Linux executable Husk can run.
#pragma once

#include <string>

namespace husk::tools {

// The directory of the running husk binary, ending in '/'.
std::string tool_dir();
// The image `husk run PROGRAM` boots: HUSK_PROGRAM_IMAGE, or the built one.
std::string program_image();
// Whether the file is an ELF with a PVH entry note (a Husk image).
bool is_husk_image(const std::string& path);
// What `husk bake` recorded in an image: "config" (hw_virtio, hw_generic)
// and "name" (the program's file name); "" for an image not baked.
std::string baked_value(const std::string& path, const std::string& key);
// "" if the file is a static x86-64 Linux executable; else why not.
std::string static_program_problem(const std::string& path);

} // namespace husk::tools
