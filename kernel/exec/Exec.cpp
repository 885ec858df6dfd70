#include "Exec.h"
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../core/Thread.h"
#include "../kstd/Format.h"
#include "../mm/AddressSpace.h"
#include "../proc/Process.h"
#include "../proc/Signals.h"
#include "../proc/RobustFutex.h"
#include "../vfs/IoBuffer.h"
#include "../vfs/Vfs.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// Linux's limits: a "#!" line is read from the first 256 bytes
// (BINPRM_BUF_SIZE), and interpreters nest at most 4 deep.
constexpr size_t kScriptLine = 256;
constexpr int kMaxScriptDepth = 4;

bool blank(char c) { return c == ' ' || c == '\t'; }

// The interpreter and its optional argument of a "#!" line (binfmt_script):
// the rest of the line after the name, blanks around it removed, is one
// argument. ENOEXEC when the name does not fit in the line Linux reads.
struct Shebang {
    kstd::StringView interpreter, argument;
};
ErrorOr<Shebang> parse_shebang(char* line, size_t length)
{
    size_t end = 2;
    while (end < length && line[end] != '\n')
        ++end;
    bool whole = end < length;
    size_t at = 2;
    while (at < end && blank(line[at]))
        ++at;
    size_t name = at;
    while (at < end && !blank(line[at]) && line[at] != 0)
        ++at;
    if (at == name || (at == end && !whole && end == kScriptLine))
        return err(ENOEXEC); // no interpreter, or its name runs past what was read
    Shebang s { kstd::StringView(line + name, at - name), {} };
    while (at < end && blank(line[at]))
        ++at;
    size_t stop = end;
    while (stop > at && (blank(line[stop - 1]) || line[stop - 1] == 0))
        --stop;
    if (stop > at)
        s.argument = kstd::StringView(line + at, stop - at);
    return s;
}

// Where the file a path resolved to lives, from the root: its directory's
// path and its name.
ErrorOr<kstd::String> absolute_path(const PathContext& context, const Resolved& resolved, kstd::StringView walked)
{
    if (resolved.plain) {
        // The path itself, its repeated and trailing slashes dropped: no
        // walk up the tree reading directories for the names.
        auto* buf = static_cast<char*>(Heap::allocate(walked.length() + 1));
        if (!buf)
            return err(ENOMEM);
        size_t n = 0;
        for (size_t i = 0; i < walked.length(); ++i)
            if (walked[i] != '/' || n == 0 || buf[n - 1] != '/')
                buf[n++] = walked[i];
        while (n > 1 && buf[n - 1] == '/')
            --n;
        auto plain = kstd::String::from(kstd::StringView(buf, n));
        Heap::free(buf);
        return plain;
    }
    auto* buf = static_cast<char*>(Heap::allocate(linux::PATH_MAX));
    if (!buf)
        return err(ENOMEM);
    auto length = Vfs::path_of(context, *resolved.parent, buf, linux::PATH_MAX);
    if (!length.is_error()) {
        size_t n = length.value();
        kstd::format(buf + n, linux::PATH_MAX - n, "%s%s", n && buf[n - 1] == '/' ? "" : "/", resolved.name);
    }
    auto path = length.is_error() ? ErrorOr<kstd::String>(length.error())
                                   : kstd::String::from(kstd::StringView(buf, kstd::StringView::cstrlen(buf)));
    Heap::free(buf);
    return path;
}

// argv as /proc/PID/cmdline shows it: each argument followed by a NUL.
ErrorOr<kstd::String> command_line_of(const ProgramArgs& args)
{
    size_t length = 0;
    for (auto& a : args.argv)
        length += a.length() + 1;
    auto* buf = static_cast<char*>(Heap::allocate(length ? length : 1));
    if (!buf)
        return err(ENOMEM);
    size_t at = 0;
    for (auto& a : args.argv) {
        memcpy(buf + at, a.data(), a.length());
        at += a.length();
        buf[at++] = 0;
    }
    auto line = kstd::String::from(kstd::StringView(buf, length));
    Heap::free(buf);
    return line;
}

// The pages of an executable's file, which its segments map (null: the
// file system has none to lend; the segments are then copied). An
// overlay's file lends its layer's.
kstd::RefPtr<SharedMemory> pages_of(Vnode& file)
{
    auto pages = file.data_vnode().shared_pages();
    return pages.is_error() ? nullptr : pages.release_value();
}

// The dynamic linker a program names, from the process's root as execve
// finds it (binfmt_elf opens it the same way, with the caller's rights).
// ENOENT when it is missing, ELIBBAD when it is itself dynamic, as Linux.
ErrorOr<kstd::RefPtr<ProgramImage>> read_interpreter(const PathContext& context, kstd::StringView path,
                                                     const char* program, kstd::RefPtr<RegionName>& region_name,
                                                     kstd::RefPtr<SharedMemory>& pages)
{
    auto resolved = Vfs::resolve(context, context.root, path, FollowLast);
    if (resolved.is_error() || !resolved.value().vnode) {
        klog(LogLevel::Error, "exec: %s: its interpreter %.*s not found in the root file system", program,
             int(path.length()), path.data());
        return resolved.is_error() ? resolved.error() : err(ENOENT);
    }
    kstd::RefPtr<Vnode> file = resolved.value().vnode;
    if (!linux::is_reg(file->mode()))
        return err(EACCES);
    TRY(Vfs::access(context, *file, linux::X_OK, true));
    if (file->is_open_for_writing())
        return err(ETXTBSY); // as Linux's open_exec
    char name[64];
    kstd::format(name, sizeof name, "%.*s", int(path.length()), path.data());
    pages = pages_of(*file);
    kstd::RefPtr<ProgramImage> interpreter = TRY(ProgramImage::read(*file, name, bool(pages)));
    if (auto full = absolute_path(context, resolved.value(), path); !full.is_error())
        region_name = RegionName::make(full.value().view(), file->fs().device_id(), file->ino());
    if (!interpreter->elf().interpreter().is_empty()) {
        klog(LogLevel::Error, "exec: %s: its interpreter %s is itself dynamically linked", program, name);
        return err(ELIBBAD);
    }
    return interpreter;
}

void basename_of(kstd::StringView path, char* out, size_t size)
{
    size_t start = 0;
    for (size_t i = 0; i < path.length(); ++i)
        if (path[i] == '/')
            start = i + 1;
    kstd::format(out, size, "%.*s", int(path.length() - start), path.data() + start);
}
} // namespace

ErrorOr<Exec::Loaded> Exec::load(const PathContext& context, Request request)
{
    kstd::StringView execfn = request.path;
    return load(context, kstd::move(request), execfn, 0);
}

ErrorOr<Exec::Loaded> Exec::load(const PathContext& context, Request request, kstd::StringView execfn, int depth)
{
    if (request.path.is_empty())
        return err(ENOENT);
    Resolved resolved = TRY(Vfs::resolve(context, request.base, request.path, request.follow_last ? FollowLast : 0));
    kstd::RefPtr<Vnode> file = resolved.vnode;
    if (!file)
        return err(ENOENT);
    if (linux::is_lnk(file->mode()))
        return err(ELOOP); // AT_SYMLINK_NOFOLLOW
    if (!linux::is_reg(file->mode()))
        return err(EACCES);
    TRY(Vfs::access(context, *file, linux::X_OK, true));
    if (file->is_open_for_writing())
        return err(ETXTBSY); // as Linux's open_exec: a file being written is not run

    char line[kScriptLine];
    size_t length = TRY(file->read(0, IoBuffer::kernel(line), sizeof line));
    if (length >= 2 && line[0] == '#' && line[1] == '!') {
        if (depth >= kMaxScriptDepth)
            return err(ELOOP);
        Shebang shebang = TRY(parse_shebang(line, length));
        // The interpreter runs the script: argv becomes the interpreter,
        // its argument, the script's path, then the script's own arguments.
        ProgramArgs args;
        if (!args.argv.append(shebang.interpreter)
            || (!shebang.argument.is_empty() && !args.argv.append(shebang.argument))
            || !args.argv.append(request.path))
            return err(ENOMEM);
        for (size_t i = 1; i < request.args.argv.size(); ++i)
            if (!args.argv.append(request.args.argv[i]))
                return err(ENOMEM);
        args.envp = kstd::move(request.args.envp);
        Request inner { context.cwd, shebang.interpreter, true, kstd::move(args) };
        Loaded loaded = TRY(load(context, kstd::move(inner), execfn, depth + 1));
        return loaded;
    }

    char name[64];
    basename_of(request.path, name, sizeof name);
    kstd::String file_path = TRY(absolute_path(context, resolved, request.path));
    ProgramNames names { RegionName::make(file_path.view(), file->fs().device_id(), file->ino()), nullptr, nullptr,
                         nullptr };
    names.program_pages = pages_of(*file);
    kstd::RefPtr<ProgramImage> image = TRY(ProgramImage::read(*file, name, bool(names.program_pages)));
    kstd::RefPtr<ProgramImage> interpreter;
    if (!image->elf().interpreter().is_empty())
        interpreter = TRY(read_interpreter(context, image->elf().interpreter(), name, names.interpreter,
                                           names.interpreter_pages));
    kstd::RefPtr<AddressSpace> space = TRY(AddressSpace::create());
    request.args.execfn = execfn;
    LoadedProgram start = TRY(ProgramLoader::load(*space, image->elf(), interpreter ? &interpreter->elf() : nullptr,
                                                  request.args, names));
    image->set_load_bias(start.load_bias);
    kstd::String command_line = TRY(command_line_of(request.args));
    return Loaded { kstd::move(image), kstd::move(space), kstd::move(file), kstd::move(file_path),
                    kstd::move(command_line), start };
}

void Exec::replace_image(Process& process, Thread& caller, husk_user_regs& regs, Loaded loaded,
                         kstd::StringView path)
{
    // The other threads end (Linux's de_thread): they leave application
    // code at the next interrupt, or their system call, and are gone
    // before their address space is.
    for (Thread& t : process.threads()) {
        if (&t != &caller) {
            t.request_exit(0);
            t.request_attention();
        }
    }
    while (process.program_threads() > 1)
        Scheduler::sleep_until(husk_plat_clock_monotonic() + 1'000'000);
    // As Linux's exec_mm_release: the caller's robust and PI locks too.
    RobustFutex::release(caller);

    process.set_address_space(loaded.space);
    caller.set_user_space(loaded.space->platform_handle());
    loaded.space->activate();
    caller.set_clear_child_tid(0);
    process.set_image(loaded.image);
    process.set_executable(loaded.file, kstd::move(loaded.file_path));
    process.set_command_line(kstd::move(loaded.command_line));
    char name[64];
    basename_of(path, name, sizeof name);
    process.set_name(kstd::StringView(name, kstd::StringView::cstrlen(name)));
    process.set_execed();
    // A descriptor table shared with another process (CLONE_FILES) is
    // unshared first, as Linux does: close-on-exec is this program's affair.
    if (process.fds().ref_count() > 1) {
        if (auto own = process.fds().copy(); !own.is_error())
            process.set_fds(own.release_value());
    }
    process.fds().close_on_exec();
    Signals::exec(process, caller); // handlers to SIG_DFL, no alternate stack
    process.credentials().exec();
    process.release_vfork_parent();
    husk_user_regs_init(&regs, loaded.start.entry, loaded.start.stack_pointer);
}

} // namespace husk
