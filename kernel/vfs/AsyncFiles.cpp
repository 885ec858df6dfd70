#include "AsyncFiles.h"
#include "../kstd/NeverDestroyed.h"
#include "../kstd/Vector.h"
#include "File.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
struct Entry {
    File* file;
    int fd;
};

kstd::Vector<Entry>& entries()
{
    static kstd::NeverDestroyed<kstd::Vector<Entry>> list;
    return list.get();
}

AsyncFiles::Sender g_sender;

bool remove(File& f)
{
    auto& list = entries();
    for (size_t i = 0; i < list.size(); ++i) {
        if (list[i].file == &f) {
            list.remove(i);
            return true;
        }
    }
    return false;
}
} // namespace

void AsyncFiles::set_sender(Sender sender) { g_sender = sender; }

kstd::ErrorOr<void> AsyncFiles::enable(File& f, int fd, bool on)
{
    if (!f.async_source())
        return err(ENOTTY);
    remove(f);
    if (on && !entries().append({ &f, fd }))
        return err(ENOMEM);
    f.set_async(on);
    return {};
}

void AsyncFiles::changed(const PollGeneration& source, short which)
{
    auto& list = entries();
    if (list.is_empty() || !g_sender)
        return;
    // The sender may run code that changes the list (a handler is not
    // run here, but a signal can end a process): collect first.
    struct Due {
        int32_t owner;
        int signal, fd;
    };
    Due due[8];
    size_t n = 0;
    for (const Entry& e : list)
        if (e.file->async_source() == &source && e.file->async_owner() && n < 8)
            due[n++] = { e.file->async_owner(), e.file->async_signal(), e.fd };
    for (size_t i = 0; i < n; ++i)
        g_sender(due[i].owner, due[i].signal, due[i].fd, which);
}

void AsyncFiles::forget(File& f) { remove(f); }

} // namespace husk
