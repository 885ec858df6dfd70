// poll, ppoll, select, pselect6: wait until descriptors are ready.
#include <husk/platform.h>
#include "../kstd/Vector.h"
#include "../vfs/PollHub.h"
#include "../proc/Signals.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

constexpr short kAlwaysReported = POLLERR | POLLHUP | POLLNVAL;

SysResult do_poll(UserPtr<linux::pollfd> ufds, uint64_t nfds, uint64_t deadline)
{
    auto& table = Process::current().fds();
    if (nfds > uint64_t(table.limit()))
        return err(EINVAL);
    kstd::Vector<linux::pollfd> fds;
    if (!fds.resize(size_t(nfds)))
        return err(ENOMEM);
    if (nfds)
        TRY(ufds.buffer().read_into(fds.data(), 0, sizeof(linux::pollfd) * nfds));
    int ready;
    for (;;) {
        ready = 0;
        for (auto& p : fds) {
            p.revents = 0;
            if (p.fd < 0)
                continue;
            auto f = table.get(p.fd);
            p.revents = f.is_error() ? POLLNVAL : short(f.value()->poll_events() & (p.events | kAlwaysReported));
            if (p.revents)
                ++ready;
        }
        if (ready || husk_plat_clock_monotonic() >= deadline)
            break;
        if (PollHub::wait(deadline) == WaitQueue::Result::Interrupted)
            return err(ERESTARTNOHAND); // EINTR after a handler (never restarted then)
    }
    if (nfds)
        TRY(ufds.buffer().write_from(0, fds.data(), sizeof(linux::pollfd) * nfds));
    return ready;
}

struct FdSets {
    uint64_t in[16], out[16], ex[16]; // FD_SETSIZE 1024 bits each
};

ErrorOr<void> read_set(UserPtr<uint64_t> u, uint64_t* set, size_t bytes)
{
    if (!u.is_null())
        TRY(u.buffer().read_into(set, 0, bytes));
    return {};
}

ErrorOr<void> write_set(UserPtr<uint64_t> u, const uint64_t* set, size_t bytes)
{
    if (!u.is_null())
        TRY(u.buffer().write_from(0, set, bytes));
    return {};
}

SysResult do_select(int nfds, UserPtr<uint64_t> r, UserPtr<uint64_t> w, UserPtr<uint64_t> e, uint64_t deadline)
{
    if (nfds < 0)
        return err(EINVAL);
    auto& table = Process::current().fds();
    nfds = kstd::min(nfds, 1024);
    size_t bytes = size_t((nfds + 63) / 64) * 8;
    FdSets want {}, got {};
    TRY(read_set(r, want.in, bytes));
    TRY(read_set(w, want.out, bytes));
    TRY(read_set(e, want.ex, bytes));
    auto bit = [](const uint64_t* s, int fd) { return (s[fd / 64] >> (fd % 64)) & 1; };
    for (int fd = 0; fd < nfds; ++fd)
        if ((bit(want.in, fd) || bit(want.out, fd) || bit(want.ex, fd)) && table.get(fd).is_error())
            return err(EBADF);
    int ready;
    for (;;) {
        ready = 0;
        got = {};
        for (int fd = 0; fd < nfds; ++fd) {
            if (!bit(want.in, fd) && !bit(want.out, fd) && !bit(want.ex, fd))
                continue;
            short ev = table.get(fd).value()->poll_events();
            uint64_t mask = uint64_t(1) << (fd % 64);
            if (bit(want.in, fd) && (ev & (POLLIN | POLLHUP | POLLERR))) { got.in[fd / 64] |= mask; ++ready; }
            if (bit(want.out, fd) && (ev & (POLLOUT | POLLERR))) { got.out[fd / 64] |= mask; ++ready; }
            if (bit(want.ex, fd) && (ev & POLLPRI)) { got.ex[fd / 64] |= mask; ++ready; }
        }
        if (ready || husk_plat_clock_monotonic() >= deadline)
            break;
        if (PollHub::wait(deadline) == WaitQueue::Result::Interrupted)
            return err(ERESTARTNOHAND); // EINTR after a handler (never restarted then)
    }
    TRY(write_set(r, got.in, bytes));
    TRY(write_set(w, got.out, bytes));
    TRY(write_set(e, got.ex, bytes));
    return ready;
}

// Linux writes the time left back into select's timeout.
ErrorOr<void> store_remaining(uint64_t deadline, auto store)
{
    if (deadline == UINT64_MAX)
        return {};
    uint64_t now = husk_plat_clock_monotonic();
    uint64_t left = deadline > now ? deadline - now : 0;
    return store(int64_t(left / 1000000000), int64_t(left % 1000000000));
}

} // namespace

SysResult sys_poll(UserPtr<linux::pollfd> fds, uint64_t nfds, int timeout_ms)
{
    return do_poll(fds, nfds, deadline_after_ms(timeout_ms));
}

// ppoll, pselect6: the caller's mask replaced for the wait. An
// interrupted wait keeps it until the handler's frame has the old one
// (Linux's poll_select_finish); the call ends with EINTR after a handler,
// and starts again, for the time left, when none ran.
ErrorOr<SignalSet> copy_in_mask(UserPtr<const uint64_t> mask, size_t size)
{
    if (size != sizeof(uint64_t))
        return err(EINVAL);
    return SignalSet::from_bits(TRY(copy_in(mask)));
}

SysResult finish_masked(Signals::TemporaryMask& mask, SysResult result)
{
    mask.done(result.is_error() && result.error().code() == ERESTARTNOHAND);
    return result;
}

SysResult sys_ppoll(UserPtr<linux::pollfd> fds, uint64_t nfds, UserPtr<const linux::timespec> timeout,
                    UserPtr<const uint64_t> sigmask, size_t sigsetsize)
{
    int64_t ns = TRY(timeout_ns(timeout));
    uint64_t deadline = deadline_after(ns);
    SignalSet set;
    if (!sigmask.is_null())
        set = TRY(copy_in_mask(sigmask, sigsetsize));
    Signals::TemporaryMask mask(sigmask.is_null() ? nullptr : &set);
    SysResult n = finish_masked(mask, do_poll(fds, nfds, deadline));
    if (!timeout.is_null() && ns != 0) {
        auto out = UserPtr<linux::timespec>(timeout.address());
        TRY(store_remaining(deadline, [&](int64_t s, int64_t nsec) { return copy_out(out, linux::timespec { s, nsec }); }));
    }
    return n;
}

SysResult sys_select(int nfds, UserPtr<uint64_t> r, UserPtr<uint64_t> w, UserPtr<uint64_t> e, UserPtr<linux::timeval> tv)
{
    int64_t ns = -1;
    if (!tv.is_null()) {
        linux::timeval t = TRY(copy_in(tv));
        if (t.tv_sec < 0 || t.tv_usec < 0)
            return err(EINVAL);
        ns = t.tv_sec * 1000000000 + (t.tv_usec % 1000000) * 1000 + (t.tv_usec / 1000000) * 1000000000;
    }
    uint64_t deadline = deadline_after(ns);
    SysResult n = do_select(nfds, r, w, e, deadline);
    // Linux writes the time left back even when interrupted: a restarted
    // select waits only for the rest.
    if (!tv.is_null() && ns != 0)
        TRY(store_remaining(deadline, [&](int64_t s, int64_t nsec) { return copy_out(tv, linux::timeval { s, nsec / 1000 }); }));
    return n;
}

SysResult sys_pselect6(int nfds, UserPtr<uint64_t> r, UserPtr<uint64_t> w, UserPtr<uint64_t> e, UserPtr<const linux::timespec> ts,
                       UserPtr<const uint64_t> sig)
{
    int64_t ns = TRY(timeout_ns(ts));
    uint64_t deadline = deadline_after(ns);
    // The sixth argument points at { const sigset_t *mask; size_t size; }.
    SignalSet set;
    bool masked = false;
    if (!sig.is_null()) {
        uint64_t words[2];
        TRY(sig.buffer().read_into(words, 0, sizeof words));
        if (words[0]) {
            set = TRY(copy_in_mask(UserPtr<const uint64_t>(uintptr_t(words[0])), size_t(words[1])));
            masked = true;
        }
    }
    Signals::TemporaryMask mask(masked ? &set : nullptr);
    SysResult n = finish_masked(mask, do_select(nfds, r, w, e, deadline));
    if (!ts.is_null() && ns != 0) {
        auto out = UserPtr<linux::timespec>(ts.address());
        TRY(store_remaining(deadline, [&](int64_t s, int64_t nsec) { return copy_out(out, linux::timespec { s, nsec }); }));
    }
    return n;
}

} // namespace husk
