// The names uname reports for this system: the host name (the "hostname"
// boot word until sethostname) and the NIS domain name ("(none)" until
// setdomainname). One UTS namespace, as a kernel without namespaces has.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/StringView.h"

namespace husk {

class SystemNames {
public:
    static constexpr size_t kMaxLength = 64; // Linux's __NEW_UTS_LEN
    static kstd::StringView hostname();
    static kstd::StringView domainname();
    // The caller checked privilege; EINVAL when longer than kMaxLength.
    static kstd::ErrorOr<void> set_hostname(const char* name, size_t length);
    static kstd::ErrorOr<void> set_domainname(const char* name, size_t length);
};

} // namespace husk
