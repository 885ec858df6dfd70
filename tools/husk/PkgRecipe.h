// A packages/ recipe (packages/README.md, "The recipe file"): the
// key=value file packages/NAME/recipe, which a shell can source too. The
// reader takes what `sh` would assign for the simple form recipes use, one
// assignment a line with '...' and "..." quoting, and refuses what only a
// shell could mean ($ expansions, backquotes, commands), so that husk pkg
// and a script sourcing the file never disagree.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace husk::tools {

struct Recipe {
    std::string dir;                          // the recipe's directory
    std::string name, version, summary, kind; // kind: "source" or "debian"
    std::vector<std::string> debian_packages; // kind=debian: for husk image debian
    std::string program;                      // kind=debian: the program's path in the root
    std::vector<std::string> run;             // husk run flags [-- program arguments], as words
    std::string ports;                        // informational: HOST:GUEST published by default
    std::map<std::string, std::string> keys;  // every key, also those husk pkg does not know
};

// The value of one line's right-hand side, shell-unquoted; nullopt and why
// when it uses what only a shell could evaluate.
std::optional<std::string> unquote_value(const std::string& text, std::string& why);

// Splits a string into words as sh would (quotes, backslashes, blanks);
// nullopt and why for an unterminated quote or an expansion.
std::optional<std::vector<std::string>> split_words(const std::string& text, std::string& why);

// Parses a recipe file's text. name_expected is the directory's name, which
// name= must equal. nullopt and why ("line 3: ...") when it is not a recipe.
std::optional<Recipe> parse_recipe(const std::string& text, const std::string& name_expected, std::string& why);

// Reads DIR/recipe (DIR = RECIPES/NAME).
std::optional<Recipe> read_recipe(const std::string& dir, std::string& why);

// Where the recipes are: $HUSK_PACKAGES, else the source tree's packages/
// (husk run from its build tree), else the installed share/husk/packages.
std::string recipes_dir();

// The names of the recipes in dir (subdirectories holding a recipe file), sorted.
std::vector<std::string> recipe_names(const std::string& dir);

// A recipe's run words with @OUT@ (its artefacts' directory) and @RECIPE@
// (its directory) replaced.
std::vector<std::string> expand_run_words(const std::vector<std::string>& words, const std::string& out, const std::string& recipe);

} // namespace husk::tools
