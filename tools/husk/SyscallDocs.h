// Renders the syscall table (include/husk/syscalls.def) as text or as the
// Markdown page docs/syscalls.md.
#pragma once

#include <string>

namespace husk::tools {

std::string syscall_table_text();
std::string syscall_markdown();

} // namespace husk::tools
