#include "ProcKernelText.h"
#include "../../block/BufferCache.h"
#include "../../core/Heap.h"
#include "../../core/Scheduler.h"
#include "../../init/Uptime.h"
#include "../../init/Version.h"
#include "../../proc/LoadAverage.h"
#include "../../vfs/FileSystem.h"
#include "ProcText.h"

namespace husk::proc_kernel {

namespace {
// A line of meminfo: the name and colon in 16 columns, the value in 8.
void kib(ProcText& out, const char* name, uint64_t kib)
{
    char label[24];
    kstd::format(label, sizeof label, "%s:", name);
    out.add("%-15s %8llu kB\n", label, (unsigned long long)kib);
}

// Fields Husk keeps no value for.
template<size_t N>
void zeros(ProcText& out, const char* const (&names)[N])
{
    for (const char* name : names)
        kib(out, name, 0);
}

// Seconds and hundredths, as Linux prints times and loads.
void centis(ProcText& out, uint64_t ns)
{
    out.add("%llu.%02llu", (unsigned long long)(ns / 1000000000), (unsigned long long)(ns % 1000000000 / 10000000));
}

#ifdef __clang__
constexpr const char* kCompiler = "clang version " __clang_version__;
#else
constexpr const char* kCompiler = "gcc version " __VERSION__;
#endif
} // namespace

// Linux 6.1's fields in its order (fs/proc/meminfo.c). Real: the memory
// the page allocator manages and has free, the buffer cache (file data and
// metadata: Cached; its clean part counts as available, as Linux's page
// cache does), its dirty blocks, the kernel threads' stacks, and the
// commit limit by Linux's formula (no swap, overcommit_ratio 50). Husk
// keeps no LRU lists, swap, slab or huge pages: those are 0.
size_t meminfo(char* buf, size_t size)
{
    ProcText out(buf, size);
    HeapStats heap = Heap::stats();
    BufferCacheStats cache = BufferCache::stats();
    uint64_t total = heap.total_pages * (kPageSize / 1024), free = heap.free_pages * (kPageSize / 1024);
    uint64_t cached = cache.cached_bytes / 1024, dirty = cache.dirty_bytes / 1024;
    uint64_t available = free + (cached > dirty ? cached - dirty : 0);
    kib(out, "MemTotal", total);
    kib(out, "MemFree", free);
    kib(out, "MemAvailable", available < total ? available : total);
    kib(out, "Buffers", 0);
    kib(out, "Cached", cached);
    zeros(out, { "SwapCached", "Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)",
                 "Inactive(file)", "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Zswap", "Zswapped" });
    kib(out, "Dirty", dirty);
    zeros(out, { "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim" });
    kib(out, "KernelStack", Scheduler::thread_count() * Thread::kStackBytes / 1024);
    zeros(out, { "PageTables", "NFS_Unstable", "Bounce", "WritebackTmp" });
    kib(out, "CommitLimit", total / 2);
    kib(out, "Committed_AS", 0);
    kib(out, "VmallocTotal", 34359738367ull); // what Linux shows on 64-bit PCs (4-level page tables)
    zeros(out, { "VmallocUsed", "VmallocChunk", "Percpu" });
    out.add("HardwareCorrupted: %5u kB\n", 0u); // Linux's one layout of its own
    zeros(out, { "AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped" });
    out.add("HugePages_Total:   %5u\nHugePages_Free:    %5u\nHugePages_Rsvd:    %5u\nHugePages_Surp:    %5u\n", 0u,
            0u, 0u, 0u);
    kib(out, "Hugepagesize", 2048);
    zeros(out, { "Hugetlb", "DirectMap4k", "DirectMap2M", "DirectMap1G" });
    return out.length();
}

size_t uptime(char* buf, size_t size)
{
    ProcText out(buf, size);
    uint64_t idle = 0;
    for (unsigned cpu = 0; cpu < Scheduler::cpu_count(); ++cpu)
        idle += Scheduler::cpu_times(cpu).idle_ns;
    centis(out, Uptime::ns());
    out.add(" ");
    centis(out, idle);
    out.add("\n");
    return out.length();
}

size_t loadavg(char* buf, size_t size)
{
    ProcText out(buf, size);
    unsigned long loads[3];
    LoadAverage::loads(loads);
    for (unsigned long& load : loads) {
        load += LoadAverage::kOne / 200; // rounded to hundredths, as Linux prints them
        out.add("%lu.%02lu ", load >> LoadAverage::kShift,
                ((load & (LoadAverage::kOne - 1)) * 100) >> LoadAverage::kShift);
    }
    size_t running = LoadAverage::active_threads();
    out.add("%zu/%zu %u\n", running ? running : size_t(1), Scheduler::thread_count(), Thread::ids_allocated());
    return out.length();
}

size_t version(char* buf, size_t size)
{
    ProcText out(buf, size);
    out.add("Linux version %s (husk@husk) (%s) %s\n", kUnameRelease, kCompiler, kUnameVersion);
    return out.length();
}

size_t filesystems(char* buf, size_t size)
{
    ProcText out(buf, size);
    for (size_t i = 0; i < FileSystemTypes::count(); ++i) {
        const FileSystemType& type = FileSystemTypes::at(i);
        out.add("%s\t%s\n", type.requires_device ? "" : "nodev", type.name);
    }
    return out.length();
}

} // namespace husk::proc_kernel
