// The unikernel's program: the first file the platform carries (baked into
// the image, or handed over by the loader), run as the init process's
// program. Its arguments are the configuration's "argv" (a JSON array), or
// its "cmdline" (a string: rumprun's key), or the command line after "--";
// a string is split like a shell splits words ('single', "double" quotes,
// backslash escapes), up to an unquoted "--" word (a loader may append
// words of its own: QEMU's microvm adds its virtio-mmio devices). Its
// environment is every "env" value (JSON, then env=NAME=VALUE words).
//
// The program runs from the root file system, as any other would after
// execve: it is installed at /bin/NAME (NAME: its argv[0]'s last part), so
// /proc/self/exe names a file it can run again (busybox does, for each
// applet it forks). A dynamically linked program comes as a cpio archive
// instead (`husk run` packs it at /bin/NAME with its interpreter and
// libraries at their paths): the archive joins the root, and /bin/NAME
// runs from there. Without either, "init" (Linux's init=) or an argv[0]
// starting with '/' names one in the root file system (husk run --rootfs
// IMAGE /usr/bin/PROGRAM).
#include <husk/platform.h>
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../exec/Program.h"
#include "../kstd/Format.h"
#include "../net/Inet.h"
#include "../vfs/IoBuffer.h"
#include "../vfs/Vfs.h"
#include "../proc/Process.h"
#include "BootMounts.h"
#include "RootArchive.h"
#include "Config.h"
#include "Syslog.h"

namespace husk {

namespace {
// Splits `line` into words in `buf` (at least line.length() + 1 bytes),
// each NUL-terminated. Returns false on an unterminated quote.
bool split_words(kstd::StringView line, char* buf, kstd::Vector<kstd::StringView>& out)
{
    size_t i = 0, o = 0;
    while (i < line.length()) {
        while (i < line.length() && line[i] == ' ')
            ++i;
        if (i == line.length())
            break;
        size_t start = o;
        char quote = 0;
        bool literal = true; // no quote or escape in the word
        while (i < line.length() && (quote || line[i] != ' ')) {
            char c = line[i++];
            if (quote && c == quote) {
                quote = 0;
            } else if (!quote && (c == '\'' || c == '"')) {
                quote = c;
                literal = false;
            } else if (c == '\\' && quote != '\'' && i < line.length()) {
                buf[o++] = line[i++];
                literal = false;
            } else {
                buf[o++] = c;
            }
        }
        if (quote)
            return false;
        if (literal && o - start == 2 && buf[start] == '-' && buf[start + 1] == '-')
            return true; // the end of the program's words
        buf[o++] = 0;
        if (!out.append(kstd::StringView(buf + start, o - 1 - start)))
            return false;
    }
    return true;
}

// Installs the boot program's bytes as /bin/NAME (mode 0755), or finds
// it there already (a root tree that holds it; data null: it must);
// returns the path.
ErrorOr<kstd::StringView> install_program(kstd::StringView argv0, const uint8_t* data, size_t size, char* path,
                                          size_t path_size)
{
    size_t start = 0;
    for (size_t i = 0; i < argv0.length(); ++i)
        if (argv0[i] == '/')
            start = i + 1;
    kstd::StringView name = argv0.substring(start);
    if (name.is_empty() || name == "." || name == "..")
        name = "program";
    size_t length = kstd::format(path, path_size, "/bin/%.*s", int(name.length()), name.data());
    if (length >= path_size)
        return err(kstd::ENAMETOOLONG);
    kstd::RefPtr<Vnode> bin = TRY(Vfs::make_directories("bin", 0755));
    if (!data)
        return bin->lookup(name).is_error() ? ErrorOr<kstd::StringView>(err(kstd::ENOENT))
                                            : ErrorOr<kstd::StringView>(kstd::StringView(path, length));
    if (auto existing = bin->lookup(name); !existing.is_error() && existing.value()->size() == size)
        return kstd::StringView(path, length); // the root tree has it
    else if (!existing.is_error())
        TRY(bin->unlink(name));
    auto file = TRY(bin->create(name, linux::S_IFREG | 0755, Credentials(), 0));
    size_t done = 0;
    while (done < size)
        done += TRY(file->write(done, IoBuffer::kernel(const_cast<uint8_t*>(data) + done), size - done));
    return kstd::StringView(path, length);
}

// The init= program: a file in the root file system (a path from "/").
ErrorOr<kstd::StringView> find_program(Process& process, kstd::StringView path)
{
    auto found = path.starts_with("/") ? Vfs::resolve(process.path_context(), Vfs::root(), path, FollowLast)
                                       : ErrorOr<Resolved>(err(kstd::EINVAL));
    if (found.is_error()) {
        klog(LogLevel::Error, "exec: %.*s: %s", int(path.length()), path.data(),
             found.error().code() == kstd::EINVAL ? "init= wants an absolute path in the root file system"
                                                  : found.error().code() == kstd::ENOENT ? "not found in the root file system"
                                                                                         : kstd::errno_name(found.error().code()));
        return found.error();
    }
    if (!found.value().vnode->is_regular()) {
        klog(LogLevel::Error, "exec: %.*s: not a regular file in the root file system", int(path.length()), path.data());
        return err(kstd::EACCES);
    }
    return path;
}
// The configuration's network, by the TCP/IP component; a kernel linked
// without it refuses a configuration that asks for one.
ErrorOr<void> configure_network()
{
    if (const InetOperations* inet = Inet::operations())
        return inet->configure_network();
    if (!Config::json("net"))
        return {};
    klog(LogLevel::Error, "net: the configuration asks for a network interface, but this kernel was linked without "
                          "TCP/IP networking");
    return err(kstd::EAFNOSUPPORT);
}

void apply_capabilities(Credentials& c)
{
    if (Config::get("cap_bounding").is_empty())
        return; // none given: root holds every capability
    CapabilitySet given[5];
    const char* const keys[5] = { "cap_bounding", "cap_effective", "cap_permitted", "cap_inheritable", "cap_ambient" };
    for (int i = 0; i < 5; ++i)
        given[i] = Config::get_number(keys[i], 0) & kAllCapabilities;
    c.cap_bounding = given[0];
    c.cap_permitted = given[2];
    c.cap_effective = given[1] & c.cap_permitted;
    c.cap_inheritable = given[3];
    c.cap_ambient = given[4] & c.cap_permitted & c.cap_inheritable;
    c.keep_caps = false;
}

} // namespace

} // namespace husk

extern "C" int husk_kernel_run_program(void)
{
    using namespace husk;
    // The boot files: the program first; a tree named "rootfs" joins the root.
    const void* data = nullptr;
    size_t size = 0;
    bool archive_program = false;
    for (unsigned i = 0;; ++i) {
        const void* file;
        size_t length;
        const char* file_name;
        if (husk_plat_boot_file(i, &file, &length, &file_name) != 0)
            break;
        bool archive = length >= 6 && memcmp(file, "070701", 6) == 0; // cpio "newc"
        if (kstd::StringView(file_name) == "rootfs" || (archive && !data && !archive_program)) {
            if (RootArchive::unpack(static_cast<const uint8_t*>(file), length).is_error())
                return 125;
            archive_program = archive_program || kstd::StringView(file_name) != "rootfs";
        } else if (!data) {
            data = file;
            size = length;
        }
    }
    ProgramArgs args;
    if (const kstd::JsonValue* argv = Config::json("argv"); argv && argv->is_array()) {
        for (const auto& a : argv->items())
            if (!a.is_string() || !args.argv.append(a.text()))
                return 127;
    } else {
        const kstd::JsonValue* cmdline = Config::json("cmdline");
        kstd::StringView line = cmdline && cmdline->is_string() ? cmdline->text() : Config::program_line();
        auto* words = static_cast<char*>(Heap::allocate(line.length() + 1));
        if (!words || !split_words(line, words, args.argv)) {
            klog(LogLevel::Error, "exec: cannot split the program's command line (an unterminated quote?)");
            return 127;
        }
    }
    // Without a program file: init=PATH, or an argv[0] that is a path.
    kstd::StringView init = Config::get("init");
    bool packed = data || archive_program; // the program came with the boot files
    if (!packed && init.is_empty() && !args.argv.is_empty() && args.argv[0].starts_with("/"))
        init = args.argv[0];
    if (!packed && init.is_empty()) {
        klog(LogLevel::Error, "exec: no program: the image carries none, none was loaded beside it and no init= names one");
        return 127;
    }
    if (args.argv.is_empty() && !args.argv.append(packed ? kstd::StringView("program") : init))
        return 127;
    bool env_ok = true;
    Config::each("env", [&](kstd::StringView v) { env_ok = env_ok && args.envp.append(v); });
    if (!env_ok)
        return 127;
    args.execfn = args.argv[0];
    if (BootMounts::mount_all().is_error())
        return 125;
    if (configure_network().is_error()) {
        BootMounts::unmount_all();
        return 125;
    }
    // /dev/log, the program's syslog(3): into the log, forwarded as syslog= says.
    if (auto r = Syslog::install(); r.is_error())
        klog(LogLevel::Warning, "syslog: cannot bind /dev/log: %s", kstd::errno_name(r.error().code()));
    if (Syslog::start_forwarding().is_error()) {
        BootMounts::unmount_all();
        return 125;
    }
    Process& process = Process::current();
    char path[linux::NAME_MAX + 8];
    auto installed = packed ? install_program(args.argv[0], static_cast<const uint8_t*>(data), size, path, sizeof path)
                            : find_program(process, init);
    if (installed.is_error() && !packed) {
        BootMounts::unmount_all();
        return 127; // as a shell's for a command it cannot find
    }
    if (installed.is_error()) {
        klog(LogLevel::Error, "exec: cannot install the program in the root file system: %s",
             kstd::errno_name(installed.error().code()));
        BootMounts::unmount_all();
        return 125;
    }
    // cwd=PATH (husk oci's process.cwd, a container's working directory):
    // the program starts there.
    if (kstd::StringView cwd = Config::get("cwd"); !cwd.is_empty()) {
        auto dir = cwd.starts_with("/") ? Vfs::resolve(process.path_context(), Vfs::root(), cwd, FollowLast)
                                        : ErrorOr<Resolved>(err(kstd::EINVAL));
        if (dir.is_error() || !dir.value().vnode->is_directory()) {
            klog(LogLevel::Error, "exec: cwd=%.*s: %s", int(cwd.length()), cwd.data(),
                 dir.is_error() ? kstd::errno_name(dir.error().code()) : "not a directory");
            BootMounts::unmount_all();
            return 127;
        }
        process.set_cwd(dir.value().vnode);
    }
    // uid=N gid=N (husk oci's process.user): the program runs as that user
    // and group, without supplementary groups, as a container's.
    unsigned long uid = Config::get_number("uid", 0), gid = Config::get_number("gid", 0);
    if (uid || gid) {
        Credentials& credentials = process.credentials();
        if (uid > 0xfffffffeUL || gid > 0xfffffffeUL || credentials.set_groups(nullptr, 0).is_error()
            || credentials.set_gid(uint32_t(gid)).is_error() || credentials.set_uid(uint32_t(uid)).is_error()) {
            klog(LogLevel::Error, "exec: uid=%lu gid=%lu: cannot take them", uid, gid);
            BootMounts::unmount_all();
            return 127;
        }
    }
    // cap_bounding= ... cap_ambient= (husk oci's process.capabilities) and
    // no_new_privs=1: the sets the first program is started with; its
    // execve then gives it what Linux would (Credentials::exec).
    apply_capabilities(process.credentials());
    if (Config::get_number("no_new_privs", 0))
        process.credentials().no_new_privs = true;
    kstd::StringView program_name = args.argv[0];
    if (Config::get_number("sched_stats", 0)) {
        Scheduler::log_stats();
        Scheduler::log_thread_stats();
    }
    auto status = Program::run(process, installed.value(), kstd::move(args));
    if (Config::get_number("sched_stats", 0))
        Scheduler::log_stats();
    // Whatever the program left open is closed, then every disk is synced
    // and unmounted: the host sees all it wrote.
    process.fds().close_all();
    BootMounts::unmount_all();
    if (status.is_error()) {
        klog(LogLevel::Error, "exec: %.*s: cannot run it: %s", int(program_name.length()), program_name.data(),
             kstd::errno_name(status.error().code()));
        return 126; // as a shell's for a program it found and could not run (ENOEXEC, E2BIG, ENOMEM)
    }
    return status.value();
}
