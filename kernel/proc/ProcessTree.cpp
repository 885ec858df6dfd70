#include "ProcessTree.h"
#include "Process.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr int kCldExited = 1, kCldKilled = 2, kCldStopped = 5, kCldContinued = 6;

// A stop or continue of a child that a wait with WUNTRACED or WCONTINUED
// reports (once, unless WNOWAIT); nothing otherwise.
bool stop_change(Process& child, unsigned options, ProcessTree::Change& c)
{
    ProcessSignals& s = child.signals();
    if (s.stop_changed == ProcessSignals::StopEvent::Stopped && (options & ProcessTree::kUntraced)) {
        c.wait_status = (s.stop_signal << 8) | 0x7f;
        c.code = kCldStopped;
        c.status = s.stop_signal;
    } else if (s.stop_changed == ProcessSignals::StopEvent::Continued && (options & ProcessTree::kContinued)) {
        c.wait_status = 0xffff;
        c.code = kCldContinued;
        c.status = linux::SIGCONT;
    } else {
        return false;
    }
    c.pid = child.pid();
    c.uid = child.credentials().uid;
    c.usage = child.usage();
    c.usage += child.children_usage();
    if (!(options & ProcessTree::kNoWait))
        s.stop_changed = ProcessSignals::StopEvent::None;
    return true;
}

bool matches(Process& child, ProcessTree::Target target, unsigned options)
{
    // A "clone" child (its exit signal is not SIGCHLD) is waited for only
    // with __WCLONE, the others only without it; __WALL waits for both.
    bool clone_child = child.exit_signal() != linux::SIGCHLD;
    if (!(options & ProcessTree::kAll) && clone_child != bool(options & ProcessTree::kClone))
        return false;
    switch (target.kind) {
    case ProcessTree::Target::Kind::Any: return true;
    case ProcessTree::Target::Kind::Pid: return child.pid() == target.id;
    case ProcessTree::Target::Kind::Group: return child.pgid() == target.id;
    }
    return false;
}
} // namespace

ErrorOr<ProcessTree::Change> ProcessTree::wait(Process& parent, Target target, unsigned options)
{
    if (options & ~(kNoHang | kUntraced | kExited | kContinued | kNoWait | kNoThread | kAll | kClone))
        return err(EINVAL);
    bool interrupted = false;
    for (;;) {
        bool any = false;
        Process* ended = nullptr;
        for (Process& child : parent.children()) {
            if (!matches(child, target, options))
                continue;
            any = true;
            if (child.is_zombie() && (options & kExited)) {
                ended = &child;
                break;
            }
            Change c;
            if (!child.is_zombie() && stop_change(child, options, c))
                return c;
        }
        if (!any)
            return err(ECHILD);
        if (ended) {
            Change c;
            c.pid = ended->pid();
            c.uid = ended->credentials().uid;
            c.wait_status = ended->wait_status();
            bool killed = (c.wait_status & 0x7f) != 0;
            c.code = killed ? kCldKilled : kCldExited;
            c.status = killed ? (c.wait_status & 0x7f) : (c.wait_status >> 8) & 0xff;
            c.usage = ended->usage();
            c.usage += ended->children_usage();
            if (!(options & kNoWait)) {
                parent.add_reaped_child(c.usage);
                delete ended;
            }
            return c;
        }
        if (options & kNoHang)
            return Change {};
        // A signal ends the wait once the children have been looked at
        // again (Linux's do_wait: -ERESTARTSYS), so a handler runs and a
        // cancellation reaches a thread in waitpid, and a child that
        // ended with SIGCHLD is still reported.
        if (interrupted)
            return err(ERESTARTSYS);
        interrupted = parent.child_waiters().wait_interruptible() == WaitQueue::Result::Interrupted;
    }
}

ErrorOr<void> ProcessTree::set_group(Process& caller, uint32_t pid, uint32_t pgid)
{
    Process* target = pid ? Process::find(pid) : &caller;
    if (!target || (target != &caller && target->parent() != &caller) || target->is_zombie())
        return err(ESRCH);
    if (target != &caller && target->has_execed())
        return err(EACCES);
    if (target->sid() != caller.sid() || target->sid() == target->pid())
        return err(EPERM); // another session, or a session leader
    if (!pgid)
        pgid = target->pid();
    if (pgid != target->pid()) {
        // Only into a group that exists in the caller's session.
        bool found = false;
        Process::for_each([&](Process& p) {
            if (p.pgid() == pgid && p.sid() == caller.sid() && !p.is_zombie())
                found = true;
        });
        if (!found)
            return err(EPERM);
    }
    target->set_pgid(pgid);
    return {};
}

ErrorOr<uint32_t> ProcessTree::new_session(Process& caller)
{
    if (Process::group_exists(caller.pid()))
        return err(EPERM); // it leads a group already
    caller.set_sid(caller.pid());
    caller.set_pgid(caller.pid());
    return caller.pid();
}

} // namespace husk
