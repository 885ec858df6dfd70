// Names for code addresses (backtraces) from the table the second link pass
// embeds (gen-ksyms), and the memory checks a fault report needs.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class Symbols {
public:
    // "name+0xoff" into buf; 0, or -ENOENT when addr is in no known function.
    static int lookup(uint64_t addr, char* buf, size_t len);
    // Whether [addr, addr+len) is mapped (safe to read in a fault report).
    static bool readable(uint64_t addr, size_t len);
    // Whether addr lies in a guard page under a kernel stack.
    static bool is_guard_page(uint64_t addr);
    static void add_guard_page(uint64_t page);
    static void remove_guard_page(uint64_t page);
};

} // namespace husk::x86
