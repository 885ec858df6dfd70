// /proc itself: fixed entries (net, self) made at mount, then a directory
// for every process, live or zombie, named by its pid.
#pragma once

#include "../../kstd/Vector.h"
#include "ProcNode.h"

namespace husk {

class ProcRoot final : public ProcNode {
public:
    explicit ProcRoot(FileSystem& fs);
    kstd::ErrorOr<void> add(const char* name, kstd::RefPtr<Vnode> node);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;

private:
    struct Entry {
        const char* name;
        kstd::RefPtr<Vnode> node;
    };
    kstd::Vector<Entry> m_entries;
};

} // namespace husk
