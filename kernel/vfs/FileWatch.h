// Something that watches an open file description without keeping it
// open — an epoll entry. Linux drops such entries when the description's
// last reference goes, whatever descriptors still name it in the epoll
// set; the description tells its watches so when it is destroyed.
#pragma once

#include "../kstd/IntrusiveList.h"

namespace husk {

struct FileWatch {
    kstd::ListNode file_node;
    // The watched description is being destroyed: forget it.
    virtual void file_gone() = 0;

protected:
    ~FileWatch() = default;
};

} // namespace husk
