// /proc itself: fixed entries (net, self, sys, ...) made when first looked up or
// listed, then a directory for every process, live or zombie, named by its pid.
#pragma once

#include "../../kstd/Vector.h"
#include "ProcNode.h"

namespace husk {

class ProcRoot final : public ProcNode {
public:
    // fill adds the fixed entries (two directories among them: their '..'
    // count in the root's links from the start).
    ProcRoot(FileSystem& fs, DirectoryFill fill);
    kstd::ErrorOr<void> add(const char* name, kstd::RefPtr<Vnode> node);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;

private:
    struct Entry {
        const char* name;
        kstd::RefPtr<Vnode> node;
    };
    kstd::ErrorOr<void> filled();
    kstd::Vector<Entry> m_entries;
    DirectoryFill m_fill;
};

} // namespace husk
