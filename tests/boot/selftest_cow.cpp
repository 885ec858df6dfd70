// Copy-on-write fork of an address space (kernel/mm), on the real page
// tables: the self-test's process takes a parent space, forks it, and
// becomes the parent or the child by switching its space, the way a forked
// process would run. Memory is reached only as a program's would be: the
// system calls (mmap, mprotect, madvise, munmap, pipe2, read), the kernel's
// user copies, and the page faults handle_fault resolves.
#include <husk/platform.h>
#include "core/Heap.h"
#include "kstd/Errno.h"
#include "mm/AddressSpace.h"
#include "mm/PageRefs.h"
#include "mm/UserAccess.h"
#include "proc/Process.h"
#include "Selftest.h"

namespace husk::selftest {

namespace {
constexpr uintptr_t kPage = AddressSpace::kPage;
constexpr int kProtRw = HUSK_PROT_READ | HUSK_PROT_WRITE;
constexpr int kMapShared = 0x01, kMapPrivate = 0x02, kMapAnonymous = 0x20, kMadvDontNeed = 4;
constexpr uint32_t kWriteFault = HUSK_FAULT_PRESENT | HUSK_FAULT_WRITE;

size_t length(const char* s)
{
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

// A NUL-terminated string into the current space (user_copy_out: a page
// never touched is brought in, a copy-on-write one copied).
bool put(uintptr_t at, const char* text)
{
    return user_copy_out(reinterpret_cast<void*>(at), text, length(text) + 1) == 0;
}

// Whether the current space holds `text` at `at`.
bool holds(uintptr_t at, const char* text)
{
    char buf[64] = {};
    size_t n = length(text) + 1;
    if (user_copy_in(buf, reinterpret_cast<const void*>(at), n) != 0)
        return false;
    for (size_t i = 0; i < n; ++i)
        if (buf[i] != text[i])
            return false;
    return true;
}

// Whether a raw kernel copy (no fault handling) may write at `at`: false
// for a page mapped read-only, as copy-on-write pages are.
bool writable(uintptr_t at) { return husk_plat_copy_to_user(reinterpret_cast<void*>(at), "", 1) == 0; }

void become(Process& self, const RefPtr<AddressSpace>& as)
{
    self.set_address_space(as);
    as->activate();
}

size_t free_pages() { return Heap::stats().free_pages; }

char* label(char* buf, const char* what, unsigned n)
{
    kstd::format(buf, 32, "%s %u", what, n);
    return buf;
}
} // namespace

void test_cow_fork()
{
    int failures_before = g_failures;
    Process& self = Process::current();
    // The CPU stays on this empty space when the others are gone (a space
    // cannot be destroyed while active); it is the self-test's last use.
    auto idle = AddressSpace::create();
    CHECK(!idle.is_error(), "no address space: %d", idle.is_error() ? idle.error().code() : 0);
    if (idle.is_error())
        return;
    size_t pages_at_start = free_pages();
    RefPtr<AddressSpace> parent = AddressSpace::create().value();
    become(self, parent);
    char text[32];

    constexpr size_t kPrivatePages = 64, kTouched = 48, kSharedPages = 8;
    long priv = sys(nr::mmap, 0, kPrivatePages * kPage, kProtRw, kMapPrivate | kMapAnonymous, -1, 0);
    long shared = sys(nr::mmap, 0, kSharedPages * kPage, kProtRw, kMapShared | kMapAnonymous, -1, 0);
    CHECK(priv > 0 && shared > 0, "mmap: %ld %ld", priv, shared);
    if (priv <= 0 || shared <= 0)
        return;
    for (unsigned i = 0; i < kTouched; ++i)
        CHECK(put(priv + i * kPage, label(text, "private", i)), "fill private page %u", i);
    CHECK(put(shared, "shared 0"), "fill shared page 0");
    // The break: what the child's brk shrinks the parent keeps.
    constexpr uintptr_t kBrk = 0x10000000;
    parent->set_brk_start(kBrk);
    CHECK(sys(nr::brk, kBrk + 4 * kPage) == long(kBrk + 4 * kPage), "brk");
    CHECK(put(kBrk + 3 * kPage, "brk 3"), "fill the break");
    size_t resident = parent->resident_pages();
    CHECK(resident == kTouched + 2, "%zu pages resident", resident);

    // fork copies page tables, not pages: the child's tables and its
    // map's upper levels (the leaves are shared) are all it takes.
    size_t before_fork = free_pages();
    auto forked = parent->fork();
    CHECK(!forked.is_error(), "fork: %d", forked.is_error() ? forked.error().code() : 0);
    if (forked.is_error())
        return;
    RefPtr<AddressSpace> child = forked.release_value();
    CHECK(before_fork - free_pages() < 16, "fork took %zu pages", before_fork - free_pages());
    CHECK(child->resident_pages() == resident, "the child maps %zu pages, the parent %zu", child->resident_pages(),
          resident);

    // The parent: its private pages are read-only now; its writes copy them.
    CHECK(!writable(priv), "a copy-on-write page is writable in the parent");
    CHECK(writable(shared), "a MAP_SHARED page is read-only in the parent");
    CHECK(parent->handle_fault(priv + 5, kWriteFault) == AddressSpace::Fault::Resolved, "write fault");
    CHECK(writable(priv), "the write fault left the page read-only");
    CHECK(put(priv, "parent 0"), "user_copy_out into a copy-on-write page");
    CHECK(put(shared, "shared by the parent"), "write to shared memory");
    // read(2) into a copy-on-write page: the system call's copy-out copies it.
    uintptr_t fds = priv + 40 * kPage, message = priv + 41 * kPage;
    CHECK(sys(nr::pipe2, fds, 0) == 0, "pipe2 into a copy-on-write page");
    int fd[2] = { -1, -1 };
    CHECK(user_copy_in(fd, reinterpret_cast<void*>(fds), sizeof fd) == 0, "pipe fds");
    CHECK(put(message, "piped"), "message");
    CHECK(sys(nr::write, fd[1], message, 6) == 6, "write to the pipe");
    CHECK(sys(nr::read, fd[0], priv + 2 * kPage, 6) == 6, "read(2) into a copy-on-write page");
    sys(nr::close, fd[0]);
    sys(nr::close, fd[1]);

    // The child sees the memory as it was at the fork, and the shared writes.
    // Its page tables fill on demand: its first touch of shared page 0 is a
    // kernel copy.
    become(self, child);
    CHECK(put(shared + 32, "the child's copy"), "a kernel copy into shared memory the child never touched");
    CHECK(holds(priv, "private 0"), "the child sees the parent's write after the fork");
    CHECK(holds(priv + 2 * kPage, "private 2"), "the child sees the parent's read(2)");
    CHECK(holds(priv + 40 * kPage, "private 40"), "the child sees the parent's pipe2");
    CHECK(holds(shared, "shared by the parent"), "the child misses the parent's shared write");
    CHECK(!writable(priv + kPage), "a copy-on-write page is writable in the child");
    // Page 0 was copied by the parent: the child is its last owner and takes
    // it back writable, without a copy. Page 1 is still shared: copied.
    size_t before = free_pages();
    CHECK(child->handle_fault(priv, kWriteFault) == AddressSpace::Fault::Resolved, "write fault");
    CHECK(free_pages() == before, "taking back a page no one else maps took %zu pages", before - free_pages());
    CHECK(put(priv, "child 0") && put(priv + kPage, "child 1"), "child writes");
    CHECK(holds(priv, "child 0") && holds(priv + kPage, "child 1"), "the child misses its own writes");
    // mprotect adding PROT_WRITE to a copy-on-write page keeps it read-only.
    CHECK(sys(nr::mprotect, priv + 3 * kPage, kPage, HUSK_PROT_READ) == 0, "mprotect read-only");
    CHECK(sys(nr::mprotect, priv + 3 * kPage, kPage, kProtRw) == 0, "mprotect read-write");
    CHECK(!writable(priv + 3 * kPage), "mprotect made a copy-on-write page writable");
    CHECK(put(priv + 3 * kPage, "child 3"), "write after mprotect");
    // Shared memory: a page no one touched before the fork is one page for
    // both; an mprotect splitting the region keeps the pieces shared.
    CHECK(sys(nr::mprotect, shared + 4 * kPage, kPage, HUSK_PROT_READ) == 0, "mprotect splits the shared region");
    CHECK(put(shared + 6 * kPage, "shared 6 by the child"), "write to a fresh shared page");
    // The loader's write() copies too; a fresh private page is the child's.
    CHECK(!child->write(priv + 10 * kPage, "loaded 10", 10).is_error(), "AddressSpace::write");
    CHECK(put(priv + 50 * kPage, "child 50"), "fresh private page");
    CHECK(sys(nr::munmap, priv + 20 * kPage, 10 * kPage) == 0, "munmap in the child");
    // brk shrinks and grows back: zeros for the child, not the parent's.
    CHECK(holds(kBrk + 3 * kPage, "brk 3"), "the child's break");
    CHECK(sys(nr::brk, kBrk + kPage) == long(kBrk + kPage), "brk shrinks");
    CHECK(sys(nr::brk, kBrk + 4 * kPage) == long(kBrk + 4 * kPage), "brk grows");
    CHECK(holds(kBrk + 3 * kPage, ""), "brk grown back shows old data");

    // A grandchild: leaves shared by three spaces, copied by whoever writes.
    auto forked_again = child->fork();
    CHECK(!forked_again.is_error(), "fork of the child");
    if (forked_again.is_error())
        return;
    RefPtr<AddressSpace> grandchild = forked_again.release_value();
    become(self, grandchild);
    CHECK(holds(priv, "child 0") && holds(priv + 4 * kPage, "private 4"), "the grandchild's memory");
    CHECK(put(priv + 4 * kPage, "grandchild 4") && put(priv + 5 * kPage, "grandchild 5"), "grandchild writes");
    CHECK(holds(priv + 4 * kPage, "grandchild 4"), "the grandchild lost its write");
    become(self, child);
    CHECK(holds(priv + 4 * kPage, "private 4"), "the child sees the grandchild's write");
    CHECK(put(priv + 5 * kPage, "child 5"), "child write after the grandchild's");
    become(self, grandchild);
    CHECK(holds(priv + 5 * kPage, "grandchild 5"), "the grandchild sees the child's write");
    become(self, child);
    grandchild = nullptr;
    CHECK(holds(priv + 5 * kPage, "child 5"), "the grandchild's exit took the child's page");

    // The parent sees none of the child's private writes, all its shared ones.
    become(self, parent);
    CHECK(holds(priv, "parent 0"), "the parent lost its own write");
    CHECK(holds(priv + kPage, "private 1"), "the parent sees the child's private write");
    CHECK(holds(priv + 2 * kPage, "piped"), "the parent lost its read(2)");
    CHECK(holds(priv + 3 * kPage, "private 3"), "the parent sees the child's write after mprotect");
    CHECK(holds(priv + 10 * kPage, "private 10"), "the parent sees the child's AddressSpace::write");
    CHECK(holds(priv + 20 * kPage, "private 20"), "the child's munmap took the parent's page");
    CHECK(holds(priv + 50 * kPage, ""), "the parent sees the child's fresh private page");
    CHECK(holds(shared + 6 * kPage, "shared 6 by the child"), "the parent misses the child's shared write");
    CHECK(holds(shared + 32, "the child's copy"), "the parent misses the child's kernel copy into shared memory");
    CHECK(holds(priv + 4 * kPage, "private 4") && holds(priv + 5 * kPage, "private 5"), "the parent sees a grandchild");
    CHECK(holds(kBrk + 3 * kPage, "brk 3"), "the child's brk took the parent's page");
    // The child unmapped pages 20..29: the parent, their last owner, takes
    // them back without copying.
    before = free_pages();
    CHECK(parent->handle_fault(priv + 20 * kPage, kWriteFault) == AddressSpace::Fault::Resolved, "write fault");
    CHECK(free_pages() == before, "taking back an unmapped page took %zu pages", before - free_pages());
    // MADV_DONTNEED: private memory reads back as zeros, shared memory keeps
    // its contents.
    CHECK(sys(nr::madvise, shared, kPage, kMadvDontNeed) == 0, "madvise shared");
    CHECK(holds(shared, "shared by the parent"), "MADV_DONTNEED lost shared memory");
    CHECK(sys(nr::madvise, priv + kPage, kPage, kMadvDontNeed) == 0, "madvise private");
    CHECK(holds(priv + kPage, ""), "MADV_DONTNEED left private memory");
    // Its touched pages, shared page 0, the break's page, and the two it
    // read since (private page 50, shared page 6).
    CHECK(parent->resident_pages() == kTouched + 4, "the parent maps %zu pages", parent->resident_pages());

    // Both spaces go: every page they held is free again.
    idle.value()->activate();
    self.set_address_space(nullptr);
    parent = nullptr;
    child = nullptr;
    CHECK(PageRefs::shared_pages() == 0, "%zu pages still shared", PageRefs::shared_pages());
    // Slack for the heap's own bookkeeping (slabs).
    size_t leaked = pages_at_start - free_pages();
    CHECK(pages_at_start < free_pages() + 8, "%zu pages not freed", leaked);
    (void)idle.value().leak(); // never destroyed: the CPU stays on it
    if (g_failures == failures_before)
        say("selftest: copy-on-write fork ok\n");
}

} // namespace husk::selftest
