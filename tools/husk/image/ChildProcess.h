// Runs another program (apt-get, dpkg-deb, mke2fs) from an argument vector,
// never through a shell, and collects what it printed.
#pragma once

#include <string>
#include <vector>

namespace husk::tools::image {

struct ChildResult {
    int status = -1;       // the exit status; 128+N for a signal N; -1: it did not start
    std::string output;    // stdout and stderr, interleaved as written
    std::string start_error; // why it did not start (status -1)
    bool ok() const { return status == 0; }
};

struct ChildOptions {
    std::vector<std::string> env; // NAME=VALUE added to (or replacing in) ours
    bool echo = false;            // also copy its output to our stderr as it comes
    std::vector<std::string> prefix; // run argv through this (e.g. fakeroot and its options)
};

ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

// argv as one line for messages: words with spaces or quotes single-quoted.
std::string command_line(const std::vector<std::string>& argv);

// The last line of text that is not blank (for one-line error reports).
std::string last_line(const std::string& text);

} // namespace husk::tools::image
