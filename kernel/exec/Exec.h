// execve(2) after its arguments are copied in: find the file (an ELF
// executable, or a "#!" script whose interpreter runs it), load it into a
// new address space, then — past the point of no return — make it the
// process's program. Boot runs pid 1's first program the same way.
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/String.h"
#include "../mm/AddressSpace.h"
#include "../vfs/PathContext.h"
#include "ProgramImage.h"
#include "ProgramLoader.h"

namespace husk {

class Process;
class Thread;

class Exec {
public:
    struct Request {
        kstd::RefPtr<Vnode> base; // where a relative path starts
        kstd::StringView path;
        bool follow_last { true };  // AT_SYMLINK_NOFOLLOW: false (ELOOP on a symlink)
        ProgramArgs args;           // argv and envp; execfn is set from path
    };
    // A program loaded and not yet running.
    struct Loaded {
        kstd::RefPtr<ProgramImage> image;
        kstd::RefPtr<AddressSpace> space;
        kstd::RefPtr<Vnode> file;
        kstd::String file_path; // absolute, symlinks resolved (/proc/PID/exe)
        kstd::String command_line; // argv, each followed by a NUL (/proc/PID/cmdline)
        LoadedProgram start;
    };

    // Everything that may still fail: ENOENT, EACCES (not a regular file,
    // no search or execute permission), ENOEXEC (not a program: logged),
    // ELOOP (symlink with AT_SYMLINK_NOFOLLOW, or "#!" nested too deep),
    // E2BIG, ENOMEM. The caller's process is untouched.
    static kstd::ErrorOr<Loaded> load(const PathContext& context, Request request);

    // The point of no return, for the calling program thread: the other
    // threads end, loaded becomes the process's program, close-on-exec
    // descriptors close, caught signals go back to their default, a vfork
    // parent resumes, and regs start the new program.
    static void replace_image(Process& process, Thread& caller, husk_user_regs& regs, Loaded loaded,
                              kstd::StringView path);

private:
    static kstd::ErrorOr<Loaded> load(const PathContext& context, Request request, kstd::StringView execfn,
                                      int depth);
};

} // namespace husk
