#include "ProcProcessText.h"
#include "../../core/Scheduler.h"
#include "../../mm/AddressSpace.h"
#include "../../proc/Process.h"

namespace husk {

namespace {
constexpr uint64_t kUnlimited = ~0ull;
constexpr unsigned kPageKiB = AddressSpace::kPage / 1024;

// The thread whose signal state /proc/PID shows: the leader (tid == pid),
// else any; a local client's calls keep theirs in the process.
ThreadSignals& main_signals(Process& p)
{
    Thread* first = nullptr;
    for (Thread& t : p.threads()) {
        if (t.tid() == p.pid())
            return t.signals();
        if (!first)
            first = &t;
    }
    return first ? first->signals() : p.client_signals();
}

struct Dispositions {
    uint64_t ignored { 0 }, caught { 0 };
};

Dispositions dispositions(Process& p)
{
    Dispositions d;
    for (int sig = 1; sig <= linux::NSIG; ++sig) {
        uint64_t handler = p.signal_actions().get(sig).handler;
        if (handler == linux::SIG_IGN)
            d.ignored |= 1ull << (sig - 1);
        else if (handler != linux::SIG_DFL)
            d.caught |= 1ull << (sig - 1);
    }
    return d;
}

// A zombie keeps one thread's worth of accounting, as on Linux.
size_t thread_count(Process& p) { return p.program_threads() ? p.program_threads() : 1; }

size_t resident_pages(Process& p) { return p.address_space() ? p.address_space()->resident_pages() : 0; }
size_t mapped_bytes(Process& p) { return p.address_space() ? p.address_space()->mapped_bytes() : 0; }

const char* state_name(char state)
{
    switch (state) {
    case 'R': return "running";
    case 'Z': return "zombie";
    default: return "sleeping";
    }
}

// What an fd table's FDSize shows: its capacity, at least Linux's 64.
size_t fd_capacity(Process& p)
{
    size_t n = 64;
    while (!p.is_zombie() && n < p.fds().end())
        n *= 2;
    return n;
}
} // namespace

char ProcProcessText::state(Process& p)
{
    if (p.is_zombie())
        return 'Z';
    Thread* self = Scheduler::current();
    if (self && self->process() == &p)
        return 'R'; // the reader itself
    for (Thread& t : p.threads())
        if (t.state() == Thread::State::Running || t.state() == Thread::State::Ready)
            return 'R';
    return 'S';
}

void ProcProcessText::stat(Process& p, ProcText& out)
{
    ThreadSignals& thread = main_signals(p);
    Dispositions d = dispositions(p);
    uint64_t pending = (thread.pending.set() | p.pending_signals().set()).bits();
    constexpr uint64_t kLow31 = 0x7fffffff; // the obsolete fields, as Linux cuts them
    // pid (comm) state ppid pgrp session tty_nr tpgid flags
    out.add("%u (%s) %c %u %u %u 0 -1 0", p.pid(), p.name(), state(p), p.ppid(), p.pgid(), p.sid());
    // minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
    Usage mine = p.usage();
    const Usage& children = p.children_usage();
    constexpr uint64_t kNsPerTick = 1000000000 / linux::USER_HZ;
    out.add(" %llu %llu 0 0 %llu %llu %llu %llu 20 0", (unsigned long long)mine.minor_faults,
            (unsigned long long)children.minor_faults, (unsigned long long)(mine.user_ns / kNsPerTick),
            (unsigned long long)(mine.system_ns / kNsPerTick), (unsigned long long)(children.user_ns / kNsPerTick),
            (unsigned long long)(children.system_ns / kNsPerTick));
    // num_threads itrealvalue starttime vsize rss rsslim
    out.add(" %zu 0 0 %zu %zu %llu", thread_count(p), mapped_bytes(p), resident_pages(p),
            (unsigned long long)kUnlimited);
    // startcode endcode startstack kstkesp kstkeip
    out.add(" 0 0 0 0 0");
    // signal blocked sigignore sigcatch wchan nswap cnswap
    out.add(" %llu %llu %llu %llu 0 0 0", (unsigned long long)(pending & kLow31),
            (unsigned long long)(thread.blocked.bits() & kLow31), (unsigned long long)(d.ignored & kLow31),
            (unsigned long long)(d.caught & kLow31));
    // exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time
    out.add(" %d 0 0 0 0 0 0", p.exit_signal());
    // start_data end_data start_brk arg_start arg_end env_start env_end exit_code
    out.add(" 0 0 0 0 0 0 0 %d\n", p.is_zombie() ? p.wait_status() : 0);
}

void ProcProcessText::status(Process& p, ProcText& out)
{
    char s = state(p);
    Credentials& c = p.credentials();
    ThreadSignals& thread = main_signals(p);
    Dispositions d = dispositions(p);
    out.add("Name:\t");
    // As Linux escapes a name: a newline and a backslash.
    for (const char* n = p.name(); *n; ++n) {
        if (*n == '\n')
            out.add("\\n");
        else if (*n == '\\')
            out.add("\\\\");
        else
            out.add("%c", *n);
    }
    out.add("\nUmask:\t%04o\nState:\t%c (%s)\n", p.umask(), s, state_name(s));
    out.add("Tgid:\t%u\nNgid:\t0\nPid:\t%u\nPPid:\t%u\nTracerPid:\t0\n", p.pid(), p.pid(), p.ppid());
    // real, effective, saved and file system ids (Husk's saved and file
    // system ids are the effective ones).
    out.add("Uid:\t%u\t%u\t%u\t%u\n", c.uid, c.euid, c.euid, c.euid);
    out.add("Gid:\t%u\t%u\t%u\t%u\n", c.gid, c.egid, c.egid, c.egid);
    out.add("FDSize:\t%zu\nGroups:\t \n", fd_capacity(p));
    out.add("NStgid:\t%u\nNSpid:\t%u\nNSpgid:\t%u\nNSsid:\t%u\nKthread:\t0\n", p.pid(), p.pid(), p.pgid(), p.sid());
    if (p.address_space()) {
        size_t kib = resident_pages(p) * kPageKiB;
        out.add("VmSize:\t%8zu kB\n", mapped_bytes(p) / 1024);
        out.add("VmRSS:\t%8zu kB\nRssAnon:\t%8zu kB\nRssFile:\t%8u kB\nRssShmem:\t%8u kB\n", kib, kib, 0u, 0u);
    }
    out.add("Threads:\t%zu\nSigQ:\t0/%llu\n", thread_count(p), (unsigned long long)kUnlimited);
    out.add("SigPnd:\t%016llx\nShdPnd:\t%016llx\n", (unsigned long long)thread.pending.set().bits(),
            (unsigned long long)p.pending_signals().set().bits());
    out.add("SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n", (unsigned long long)thread.blocked.bits(),
            (unsigned long long)d.ignored, (unsigned long long)d.caught);
    out.add("CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\nCapAmb:\t%016llx\n",
            (unsigned long long)c.cap_inheritable, (unsigned long long)c.cap_permitted,
            (unsigned long long)c.cap_effective, (unsigned long long)c.cap_bounding, (unsigned long long)c.cap_ambient);
    out.add("NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n", c.no_new_privs ? 1 : 0);
    // One CPU (sched_getaffinity's answer).
    out.add("Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
    out.add("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

void ProcProcessText::statm(Process& p, ProcText& out)
{
    // size resident shared text lib data dt (pages)
    out.add("%zu %zu 0 0 0 0 0\n", mapped_bytes(p) / AddressSpace::kPage, resident_pages(p));
}

void ProcProcessText::comm(Process& p, ProcText& out) { out.add("%s\n", p.name()); }

namespace {
using Region = AddressSpace::Region;

// Whether b continues a as one mapping of Linux's (a vma it would merge):
// the same rights, object and name, the file's bytes in a row.
bool continues(const Region& a, const Region& b)
{
    return a.end == b.start && a.prot == b.prot && a.shared.ptr() == b.shared.ptr()
        && a.private_copy == b.private_copy && a.name.ptr() == b.name.ptr()
        && (!a.name || a.name_offset + (a.end - a.start) == b.name_offset);
}

// The program break's pages ([heap]): private anonymous memory inside it.
bool in_heap(const AddressSpace& as, const Region& r)
{
    uintptr_t end = (as.brk_end() + AddressSpace::kPage - 1) & ~uintptr_t(AddressSpace::kPage - 1);
    return !r.name && !r.shared && end > as.brk_start() && r.start < end && r.end > as.brk_start();
}

} // namespace

size_t ProcProcessText::maps_size(Process& p)
{
    size_t size = 1;
    if (AddressSpace* as = p.address_space())
        for (const Region& r : as->regions())
            size += 96 + (r.name ? r.name->text.length() : 0);
    return size;
}

void ProcProcessText::maps(Process& p, ProcText& out)
{
    AddressSpace* as = p.address_space();
    if (!as)
        return;
    const auto& regions = as->regions();
    for (size_t i = 0; i < regions.size();) {
        const Region& r = regions[i];
        uintptr_t end = r.end;
        bool heap = in_heap(*as, r);
        while (++i < regions.size() && continues(regions[i - 1], regions[i]) && in_heap(*as, regions[i]) == heap)
            end = regions[i].end;
        bool shared = r.shared && !r.private_copy;
        uint64_t dev = r.name ? r.name->dev : 0, ino = r.name ? r.name->ino : 0;
        uint64_t offset = r.name && r.name->ino ? r.name_offset : shared ? uint64_t(r.shared_first) * AddressSpace::kPage : 0;
        char line[128];
        size_t n = kstd::format(line, sizeof line, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", (unsigned long)r.start,
                                (unsigned long)end, (r.prot & HUSK_PROT_READ) ? 'r' : '-',
                                (r.prot & HUSK_PROT_WRITE) ? 'w' : '-', (r.prot & HUSK_PROT_EXEC) ? 'x' : '-',
                                shared ? 's' : 'p', (unsigned long long)offset, linux::major_of(dev), linux::minor_of(dev),
                                (unsigned long)ino);
        out.add(kstd::StringView(line, n));
        kstd::StringView name = r.name ? r.name->text.view() : heap ? kstd::StringView("[heap]") : kstd::StringView();
        if (!name.is_empty()) {
            // Linux pads to column 72 (seq_pad: 25 + 6 * 8 - 1), then a
            // space: names line up at 73.
            for (size_t column = n; column < 72; ++column)
                out.add(" ");
            out.add(" ");
            out.add(name);
        }
        out.add("\n");
    }
}

} // namespace husk
