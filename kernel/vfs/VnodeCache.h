// The inode cache of one file system: inode number -> the live Vnode, so
// every lookup of an inode yields the same object (one place for its size,
// link count and locks). The cache never keeps a vnode alive: a vnode
// leaves it in its destructor. Disk file systems (ext2) fill it on lookup.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/HashMap.h"
#include "../kstd/RefPtr.h"

namespace husk {

class Vnode;

class VnodeCache {
public:
    // The live vnode for ino with a new reference, or null.
    kstd::RefPtr<Vnode> find(uint64_t ino);
    kstd::ErrorOr<void> insert(Vnode& vnode);
    void remove(Vnode& vnode);
    size_t size() const { return m_vnodes.size(); }

private:
    kstd::HashMap<uint64_t, Vnode*> m_vnodes;
};

} // namespace husk
