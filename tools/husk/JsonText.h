// JSON text for the kernel's configuration (husk.json, written by husk
// run): string literals escaped as RFC 8259 asks.
#pragma once

#include <string>
#include <vector>

namespace husk::tools {

// A JSON string literal: quotes, backslashes and control characters
// escaped; other bytes as they are.
std::string json_string(const std::string& s);
// A JSON array of string literals.
std::string json_strings(const std::vector<std::string>& items);

} // namespace husk::tools
