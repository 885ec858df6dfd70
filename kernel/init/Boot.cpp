// Kernel start-up: memory, log, file systems, the first process and the
// scheduler. Platforms call husk_kernel_boot() once, then
// husk_kernel_syscall() for every system call.
#include <husk/platform.h>
#include "../block/BlockDevice.h"
#include "../block/BufferCache.h"
#include "../block/Flusher.h"
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../fs/devfs/DevFileSystem.h"
#include "../fs/devfs/DeviceNode.h"
#include "../fs/procfs/ProcFileSystem.h"
#include "../fs/sysfs/SysFileSystem.h"
#include "../fs/ext2/Ext2FileSystem.h"
#include "../fs/ramfs/RamfsFileSystem.h"
#include "../ipc/Semaphores.h"
#include "../kstd/Format.h"
#include "../mm/AddressSpace.h"
#include "../proc/AsyncSignals.h"
#include "../proc/LoadAverage.h"
#include "../proc/Process.h"
#include "../syscall/SyscallTable.h"
#include "../vfs/Vfs.h"
#include "Components.h"
#include "Config.h"
#include "HostStop.h"
#include "Uptime.h"
#include "Version.h"

namespace husk {

namespace {

bool g_booted;

LogLevel parse_level(kstd::StringView v)
{
    if (v == "debug") return LogLevel::Debug;
    if (v == "info") return LogLevel::Info;
    if (v == "error") return LogLevel::Error;
    if (v == "warning") return LogLevel::Warning;
    return LogLevel::Notice;
}

// Writes /etc/NAME; a file the root image has is replaced (replace) or kept.
kstd::ErrorOr<void> write_file(Vnode& dir, kstd::StringView name, kstd::StringView text, bool replace = true)
{
    if (auto existing = dir.lookup(name); !existing.is_error()) {
        if (!replace)
            return {};
        TRY(dir.unlink(name));
    }
    auto file = TRY(dir.create(name, linux::S_IFREG | 0644, Credentials(), 0));
    TRY(file->write(0, IoBuffer::kernel(const_cast<char*>(text.data())), text.length()));
    return {};
}

// What programs look up in /etc: the host name, localhost, the users and
// groups servers switch to (root, nobody/nogroup), the DNS servers, mtab. A root
// image's own users and groups stay; the network's files are Husk's.
kstd::ErrorOr<void> make_etc(Vnode& etc)
{
    char text[512];
    kstd::StringView hostname = Config::get("hostname", "husk");
    size_t n = kstd::format(text, sizeof text, "%.*s\n", int(hostname.length()), hostname.data());
    TRY(write_file(etc, "hostname", kstd::StringView(text, n)));
    n = kstd::format(text, sizeof text, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%.*s\n",
                     int(hostname.length()), hostname.data());
    TRY(write_file(etc, "hosts", kstd::StringView(text, n)));
    TRY(write_file(etc, "passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", false));
    TRY(write_file(etc, "group", "root:x:0:\nnogroup:x:65534:\n", false));
    size_t used = 0;
    Config::each("dns", [&](kstd::StringView server) {
        used += kstd::format(text + used, sizeof text - used, "nameserver %.*s\n", int(server.length()), server.data());
        if (used >= sizeof text)
            used = sizeof text - 1;
    });
    TRY(write_file(etc, "resolv.conf", kstd::StringView(text, used)));
    // The mount table's old name, a link to the kernel's as on any Linux
    // (mount, df and getmntent users read it); an image's own stays.
    if (etc.lookup("mtab").is_error())
        TRY(etc.symlink("mtab", "../proc/self/mounts", Credentials()));
    return {};
}

// The directory dir/name, made unless the root image has it.
kstd::ErrorOr<kstd::RefPtr<Vnode>> directory(Vnode& dir, kstd::StringView name, uint32_t mode)
{
    if (auto existing = dir.lookup(name); !existing.is_error()) {
        if (!existing.value()->is_directory())
            return kstd::err(kstd::ENOTDIR);
        return existing;
    }
    return dir.mkdir(name, mode, Credentials());
}

// "/": a tmpfs, or with root=DEVICE a tmpfs over the ext2/3/4 file system
// on DEVICE, mounted read-only (an overlay: the container model).
kstd::ErrorOr<FileSystem*> make_root_file_system()
{
    kstd::StringView device = Config::get("root");
    if (device.is_empty())
        return RamfsFileSystem::create_tmpfs({}, 0, {});
    if (device.starts_with("/dev/"))
        device = device.substring(5);
    char name[32];
    kstd::format(name, sizeof name, "%.*s", int(device.length() < 16 ? device.length() : 16), device.data());
    const FileSystemType* overlay = FileSystemTypes::find("overlay");
    if (!overlay) {
        klog(LogLevel::Error, "boot: root=%s: this kernel was linked without the overlay file system a root device "
             "needs", name);
        return kstd::err(kstd::ENODEV);
    }
    auto root = overlay->create(name, 0, {});
    if (root.is_error()) {
        klog(LogLevel::Error, "boot: root=%s: cannot mount it (an ext2/3/4 file system, read-only): %s", name,
             kstd::errno_name(root.error().code()));
        return root.error();
    }
    klog(LogLevel::Info, "boot: / is %s (read-only) under a tmpfs overlay", name);
    return root;
}

kstd::ErrorOr<void> make_root_tree()
{
    FileSystem* root = TRY(make_root_file_system());
    TRY(Vfs::mount_root(root, Config::get("root").is_empty() ? "tmpfs" : "overlay"));
    auto r = Vfs::root();
    TRY(directory(*r, "tmp", 01777));
    // /var/tmp as on any Linux: lighttpd's upload directory, sqlite's temporary files.
    auto var = TRY(directory(*r, "var", 0755));
    TRY(directory(*var, "tmp", 01777));
    // /etc's files are written when a program first looks in /etc (most
    // never do); where the root's file system cannot wait, now.
    auto etc = TRY(directory(*r, "etc", 0755));
    if (!etc->fill_on_first_use(make_etc))
        TRY(make_etc(*etc));
    auto dev = TRY(directory(*r, "dev", 0755));
    FileSystem* devfs = TRY(DevFileSystem::create({}, 0, {}));
    TRY(Vfs::mount(devfs, *dev, 0, "devfs"));
    // POSIX shared memory (shm_open) lives in /dev/shm, a tmpfs anyone may
    // create in, as on Linux.
    auto shm = TRY(devfs->root()->lookup("shm"));
    FileSystem* shmfs = TRY(RamfsFileSystem::create_with_root_mode(01777, "tmpfs"));
    TRY(Vfs::mount(shmfs, *shm, 0, "tmpfs"));
    auto proc = TRY(directory(*r, "proc", 0555));
    FileSystem* procfs = TRY(ProcFileSystem::create({}, 0, {}));
    TRY(Vfs::mount(procfs, *proc, 0, "proc"));
    auto sys = TRY(directory(*r, "sys", 0555));
    FileSystem* sysfs = TRY(SysFileSystem::create({}, 0, {}));
    TRY(Vfs::mount(sysfs, *sys, 0, "sysfs"));
    return {};
}

// Descriptors 0, 1 and 2 are the console, as for any Linux process; 2
// writes to the platform's error stream, so that husk run can keep a
// program's stderr apart from its stdout, as a host shell would.
kstd::ErrorOr<void> open_console(Process& p)
{
    Resolved r = TRY(Vfs::resolve(p.path_context(), Vfs::root(), "/dev/console", FollowLast));
    for (int fd = 0; fd < 3; ++fd) {
        int flags = (fd == 0 ? linux::O_RDONLY : linux::O_WRONLY) | linux::O_LARGEFILE;
        kstd::RefPtr<File> file = fd == 2 ? TRY(open_console_error(*r.vnode, flags)) : TRY(r.vnode->open_device(flags));
        if (!file)
            return kstd::err(kstd::ENODEV);
        file->set_opened_at(r.parent, r.name_view());
        TRY(p.fds().install(fd, kstd::move(file), false));
    }
    return {};
}

} // namespace

} // namespace husk

extern "C" int husk_kernel_boot(void)
{
    using namespace husk;
    if (g_booted)
        return -kstd::EBUSY;
    if (husk_plat_version() != HUSK_PLATFORM_VERSION)
        return -kstd::EINVAL;
    Uptime::mark_boot();
    Config::load(husk_plat_cmdline());
    Log::set_console_level(parse_level(Config::get("loglevel", "notice")));

    husk_mem_region regions[8];
    size_t count = husk_plat_mem_regions(regions, 8);
    if (!Heap::init(regions, count < 8 ? count : 8))
        return -kstd::ENOMEM;
    if (Config::parse_json().is_error())
        return -kstd::EINVAL;
    Log::set_console_level(parse_level(Config::get("loglevel", "notice")));
    auto heap = Heap::stats();
    klog(LogLevel::Info, "Husk %s, %s kernel (platform interface v%u), %lu KiB of memory", kHuskVersion,
         Components::name(), husk_plat_version(), (unsigned long)(heap.total_pages * kPageSize / 1024));
    klog(LogLevel::Info, "command line: %s", husk_plat_cmdline());

    // The buffer cache's most (16 MiB by default). It is elastic: it grows
    // while memory is free and gives memory back when it runs short
    // (BufferCache.h, core/Reclaim.h), so a small guest's programs are not
    // crowded out by a fixed share.
    BufferCache::set_budget(Config::get_number("bcache_mib", 16) << 20);
    // Linux's dirty_expire_centisecs and dirty_writeback_centisecs, in seconds.
    constexpr uint64_t kSecond = 1'000'000'000;
    Flusher::configure(Config::get_number("dirty_expire", 30) * kSecond, Config::get_number("writeback_interval", 5) * kSecond);
    BlockDevice::probe_all();
    RamfsFileSystem::register_type();
    DevFileSystem::register_type();
    ProcFileSystem::register_type();
    SysFileSystem::register_type();
    Ext2FileSystem::register_type();
    Components::install(); // what this kernel was linked with beyond its core
    if (auto r = make_root_tree(); r.is_error()) {
        klog(LogLevel::Error, "cannot build the root file system: %s", kstd::errno_name(r.error().code()));
        return -r.error().code();
    }
    AddressSpace::set_current_lookup(Process::current_address_space);
    Process::add_exit_hook(Semaphores::process_exited); // SEM_UNDO
    AsyncSignals::install();                             // O_ASYNC: SIGIO
    auto init = Process::create("init", nullptr);
    if (init.is_error())
        return -init.error().code();
    Scheduler::init(init.value());
    LoadAverage::start();
    HostStop::install();
    if (auto r = open_console(*init.value()); r.is_error())
        return -r.error().code();
    g_booted = true;
    klog(LogLevel::Info, "boot complete: syscall table covers numbers 0-%zu", SyscallTable::kSize - 1);
    Scheduler::start_other_cpus();
    return 0;
}

extern "C" int husk_kernel_interrupt_return(int from_user)
{
    bool attention = husk::Scheduler::interrupt_return(from_user != 0);
    // (Perhaps much later, when the thread runs again.) A signal for a
    // thread interrupted in its program, or its process ending or execing:
    // the program loop acts on it.
    husk::Thread* self = husk::Scheduler::current();
    return from_user && self->user_regs() && (attention || self->signal_pending());
}

// A call interrupted by a signal never leaves its restart errno with a
// client, which has no signal handlers to restart it around: EINTR.
static long client_result(long r) { return kstd::is_restart(int(-r)) ? -long(kstd::EINTR) : r; }

extern "C" long husk_kernel_syscall(long nr, const uint64_t args[6])
{
    return client_result(husk::SyscallTable::dispatch(nr, args));
}

// Processes for remote clients (husk server): each connection is one, with
// its own descriptors and working directory, created under init.
extern "C" long husk_kernel_process_create(const char* name)
{
    using namespace husk;
    if (!g_booted)
        return -kstd::ENOSYS;
    auto p = Process::create(name, &Process::current());
    if (p.is_error())
        return -p.error().code();
    return long(p.value()->pid());
}

extern "C" long husk_kernel_syscall_as(long pid, long nr, const uint64_t args[6])
{
    using namespace husk;
    Process* p = pid > 1 ? Process::find(uint32_t(pid)) : nullptr; // never init itself
    if (!p)
        return -kstd::ESRCH;
    Thread* self = Scheduler::current();
    Process* own = self->process();
    self->set_process(p);
    long r = SyscallTable::dispatch(nr, args);
    self->set_process(own);
    return client_result(r);
}

extern "C" int husk_kernel_process_destroy(long pid)
{
    using namespace husk;
    Process* p = pid > 1 ? Process::find(uint32_t(pid)) : nullptr;
    if (!p)
        return -kstd::ESRCH;
    delete p; // closes its descriptors
    return 0;
}
