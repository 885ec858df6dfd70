#include "ProcProcessFile.h"
#include "../../core/Heap.h"
#include "../../core/Scheduler.h"
#include "../../proc/Process.h"
#include "ProcMountText.h"
#include "ProcProcessText.h"

namespace husk {

using namespace kstd::errno_values;
using proc_inodes::Node;

ProcProcessFile::ProcProcessFile(FileSystem& fs, uint32_t pid, Node node, uint32_t permissions, Process* owner)
    : ProcNode(fs, proc_inodes::of(pid, node), linux::S_IFREG | permissions, pid, owner)
    , m_node(node)
{
}

kstd::ErrorOr<size_t> ProcProcessFile::read(uint64_t offset, IoBuffer buf, size_t n)
{
    Process* p = process();
    if (!p)
        return err(ESRCH);
    // The text is made whole, then the part asked for is copied out: the
    // copy may sleep (a page of the reader's to bring in), and the process
    // may be gone by then, so nothing of it is read after this.
    bool mount_table = m_node == Node::Mounts || m_node == Node::Mountinfo;
    size_t size = m_node == Node::Cmdline ? p->command_line().length()
                : m_node == Node::Maps    ? ProcProcessText::maps_size(*p)
                : mount_table             ? proc_mounts::text_size()
                                          : kMaxText;
    auto* text = static_cast<char*>(Heap::allocate(size ? size : 1));
    if (!text)
        return err(ENOMEM);
    size_t length = 0;
    if (mount_table) {
        // From the process's root; the text may sleep, so it is made from
        // a copy of the context, not the process.
        PathContext context = p->path_context();
        ProcText out(text, size);
        if (m_node == Node::Mounts)
            proc_mounts::mounts(context, out);
        else
            proc_mounts::mountinfo(context, out);
        length = out.length();
    } else if (m_node == Node::Cmdline) {
        memcpy(text, p->command_line().data(), size);
        length = size;
    } else {
        ProcText out(text, size);
        switch (m_node) {
        case Node::Comm: ProcProcessText::comm(*p, out); break;
        case Node::Stat: ProcProcessText::stat(*p, out); break;
        case Node::Statm: ProcProcessText::statm(*p, out); break;
        case Node::Status: ProcProcessText::status(*p, out); break;
        case Node::Maps: ProcProcessText::maps(*p, out); break;
        default: break;
        }
        length = out.length();
    }
    size_t done = 0;
    kstd::ErrorOr<void> copied;
    if (offset < length) {
        done = kstd::min<size_t>(n, length - size_t(offset));
        copied = buf.write_from(0, text + offset, done);
    }
    Heap::free(text);
    if (copied.is_error())
        return copied.error();
    return done;
}

kstd::ErrorOr<size_t> ProcProcessFile::write(uint64_t, IoBuffer buf, size_t n)
{
    if (m_node != Node::Comm)
        return err(EINVAL);
    char name[16] {}; // TASK_COMM_LEN: the first 15 bytes name it, a newline too
    TRY(buf.read_into(name, 0, kstd::min<size_t>(n, sizeof name - 1)));
    Process* p = process();
    if (!p)
        return err(ESRCH);
    Thread* self = Scheduler::current();
    if (!self || self->process() != p)
        return err(EINVAL); // only a process names itself
    p->set_name(kstd::StringView(name, kstd::StringView::cstrlen(name)));
    return n;
}

} // namespace husk
