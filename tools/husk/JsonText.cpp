#include "JsonText.h"
#include <cstdio>

namespace husk::tools {

std::string json_string(const std::string& s)
{
    std::string q = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            q += '\\';
            q += char(c);
        } else if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            q += esc;
        } else {
            q += char(c);
        }
    }
    return q + "\"";
}

std::string json_strings(const std::vector<std::string>& items)
{
    std::string a = "[";
    for (size_t i = 0; i < items.size(); ++i)
        a += (i ? "," : "") + json_string(items[i]);
    return a + "]";
}

} // namespace husk::tools
