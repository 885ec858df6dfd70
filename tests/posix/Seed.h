// The tree the overlay scenarios start from ("lower/..." in the work
// directory). Over an overlay it is the read-only lower layer (an ext2
// image made from it); on Linux and the other file systems it is written
// into the work directory first, so the same scenario bodies compare.
#pragma once

#include <string>
#include "Backend.h"

namespace posix {

// Writes the tree under dir (an absolute path) through backend's calls.
void write_seed(Backend& backend, const std::string& dir);

} // namespace posix
