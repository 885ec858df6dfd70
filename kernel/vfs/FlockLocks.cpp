#include "FlockLocks.h"
#include "../core/WaitQueue.h"
#include "../kstd/NeverDestroyed.h"
#include "../kstd/Vector.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
struct Lock {
    const void* file;
    const void* description;
    bool exclusive;
};

// Few files are locked at a time: one flat list, scanned.
kstd::Vector<Lock>& locks()
{
    static kstd::NeverDestroyed<kstd::Vector<Lock>> list;
    return list.get();
}
WaitQueue& changes()
{
    static kstd::NeverDestroyed<WaitQueue> queue;
    return queue.get();
}

bool conflicts(const void* file, const void* description, bool exclusive)
{
    for (const Lock& l : locks())
        if (l.file == file && l.description != description && (exclusive || l.exclusive))
            return true;
    return false;
}

// Removes the matching locks (of any file when file is null); whether any went.
bool remove(const void* file, const void* description)
{
    auto& list = locks();
    bool any = false;
    for (size_t i = 0; i < list.size();) {
        if (list[i].description == description && (!file || list[i].file == file)) {
            list.remove(i);
            any = true;
        } else {
            ++i;
        }
    }
    return any;
}
} // namespace

kstd::ErrorOr<void> FlockLocks::lock(const void* file, const void* description, bool exclusive, bool wait)
{
    for (const Lock& l : locks())
        if (l.file == file && l.description == description && l.exclusive == exclusive)
            return {}; // held already
    if (remove(file, description))
        changes().wake_all(); // a conversion lets others in first
    while (conflicts(file, description, exclusive)) {
        if (!wait)
            return err(EAGAIN); // EWOULDBLOCK
        if (changes().wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(kstd::ERESTARTSYS);
    }
    if (!locks().append({ file, description, exclusive }))
        return err(ENOLCK);
    return {};
}

void FlockLocks::unlock(const void* file, const void* description)
{
    if (remove(file, description))
        changes().wake_all();
}

void FlockLocks::release_all(const void* description)
{
    if (remove(nullptr, description))
        changes().wake_all();
}

} // namespace husk
