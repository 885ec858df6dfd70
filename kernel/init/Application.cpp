// The unikernel's program: the first file the platform carries (baked into
// the image, or handed over by the loader), run as the init process's
// program. Its arguments are the configuration's "argv" (a JSON array), or
// its "cmdline" (a string: rumprun's key), or the command line after "--";
// a string is split like a shell splits words ('single', "double" quotes,
// backslash escapes), up to an unquoted "--" word (a loader may append
// words of its own: QEMU's microvm adds its virtio-mmio devices). Its
// environment is every "env" value (JSON, then env=NAME=VALUE words).
#include <husk/platform.h>
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../exec/Program.h"
#include "../proc/Process.h"
#include "BootMounts.h"
#include "BootNetwork.h"
#include "RootArchive.h"
#include "Config.h"

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
} // namespace

} // namespace husk

extern "C" int husk_kernel_run_program(void)
{
    using namespace husk;
    // The boot files: the program first; a tree named "rootfs" joins the root.
    const void* data = nullptr;
    size_t size = 0;
    for (unsigned i = 0;; ++i) {
        const void* file;
        size_t length;
        const char* file_name;
        if (husk_plat_boot_file(i, &file, &length, &file_name) != 0)
            break;
        if (kstd::StringView(file_name) == "rootfs") {
            if (RootArchive::unpack(static_cast<const uint8_t*>(file), length).is_error())
                return 125;
        } else if (!data) {
            data = file;
            size = length;
        }
    }
    if (!data) {
        klog(LogLevel::Error, "exec: no program: the image carries none and none was loaded beside it");
        return 127;
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
    if (args.argv.is_empty() && !args.argv.append("program"))
        return 127;
    bool env_ok = true;
    Config::each("env", [&](kstd::StringView v) { env_ok = env_ok && args.envp.append(v); });
    if (!env_ok)
        return 127;
    args.execfn = args.argv[0];
    if (BootMounts::mount_all().is_error())
        return 125;
    if (BootNetwork::configure_all().is_error()) {
        BootMounts::unmount_all();
        return 125;
    }
    Process& process = Process::current();
    auto status = Program::run(process, static_cast<const uint8_t*>(data), size, args);
    // Whatever the program left open is closed, then every disk is synced
    // and unmounted: the host sees all it wrote.
    process.fds().close_all();
    BootMounts::unmount_all();
    if (status.is_error()) {
        klog(LogLevel::Error, "exec: %.*s: cannot run it: %s", int(args.argv[0].length()), args.argv[0].data(),
             kstd::errno_name(status.error().code()));
        return 126; // as a shell's for a program it found and could not run (ENOEXEC, E2BIG, ENOMEM)
    }
    return status.value();
}
