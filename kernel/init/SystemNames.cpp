#include "SystemNames.h"
#include "Config.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
struct Name {
    char chars[SystemNames::kMaxLength + 1] {};
    size_t length { 0 };
    bool set { false };
};
Name g_hostname, g_domainname;

ErrorOr<void> store(Name& n, const char* name, size_t length)
{
    if (length > SystemNames::kMaxLength)
        return err(EINVAL);
    memcpy(n.chars, name, length);
    n.chars[length] = 0;
    n.length = length;
    n.set = true;
    return {};
}
} // namespace

kstd::StringView SystemNames::hostname()
{
    return g_hostname.set ? kstd::StringView(g_hostname.chars, g_hostname.length) : Config::get("hostname", "husk");
}

kstd::StringView SystemNames::domainname()
{
    return g_domainname.set ? kstd::StringView(g_domainname.chars, g_domainname.length) : kstd::StringView("(none)");
}

ErrorOr<void> SystemNames::set_hostname(const char* name, size_t length) { return store(g_hostname, name, length); }
ErrorOr<void> SystemNames::set_domainname(const char* name, size_t length) { return store(g_domainname, name, length); }

} // namespace husk
