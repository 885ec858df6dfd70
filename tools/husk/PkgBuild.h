// Building a recipe (husk pkg build): its build script runs with its output
// going to one log per stage; a line "husk-pkg-stage: STAGE" from the
// script starts the next stage (fetch, configure, compile, bake), which is
// announced on stderr. Artefacts are kept per recipe version.
#pragma once

#include <string>
#include "PkgRecipe.h"

namespace husk::tools {

// $HUSK_PKG_CACHE (tests), else $XDG_CACHE_HOME/husk/pkg, else ~/.cache/husk/pkg.
std::string pkg_cache_root();
// Where a recipe's artefacts go by default: pkg_cache_root()/NAME/VERSION.
std::string pkg_out_dir(const Recipe& r);
// The recipe's image in out: NAME.img.
std::string pkg_image(const Recipe& r, const std::string& out);
// Whether out holds a complete build of r (its image and the mark written
// last, naming r's version and the fingerprint of r's files: a changed
// recipe is built again).
bool pkg_is_built(const Recipe& r, const std::string& out);

struct BuildOptions {
    std::string out;     // "" for pkg_out_dir
    bool force = false;  // build again even when built
    bool verbose = false; // the build's output on stderr too
};

// Builds r; 0 on success (or when already built), else 1 after naming the
// failed stage and its log.
int pkg_build(const Recipe& r, const BuildOptions& o);

} // namespace husk::tools
