// `husk completion bash`: a bash completion script made from the command
// tree itself (every command, subcommand and flag CLI11 knows), so a new
// command in main.cpp's table completes without editing anything here.
// The build installs its output as share/bash-completion/completions/husk.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace husk::tools {

// The script for the tree under root (husk's App).
std::string bash_completion(const CLI::App& root);

// Adds `completion SHELL` to root; returns the subcommand and fills shell.
CLI::App* add_completion_command(CLI::App& root, std::string& shell);

} // namespace husk::tools
