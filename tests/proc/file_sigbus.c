/* file_sigbus: a page of a file mapping past the end of the file, once
 * the file is truncated under the mapping, is SIGBUS with si_code
 * BUS_ADRERR and si_addr the very address touched (not its page), as
 * Linux's fault path sends for a page it cannot have (past the end, or a
 * disk error). On the disk (/data in the guest: ext2, its pages read on
 * the fault) and in $TMPDIR (ramfs in the guest); by ftruncate, truncate
 * and open's O_TRUNC; reads and writes, shared and private views, pages
 * never touched and pages touched before; and a forked child's touch. */
#include "proctest.h"
#include <libgen.h>
#include <setjmp.h>
#include <sys/mman.h>

#define PAGE 4096
#define PAGES 4

static sigjmp_buf recover;
static volatile int fault_sig, fault_code;
static void* volatile fault_addr;

static void on_fault(int sig, siginfo_t* info, void* ctx)
{
    (void)ctx;
    fault_sig = sig;
    fault_code = info->si_code;
    fault_addr = info->si_addr;
    siglongjmp(recover, 1);
}

/* What touching p gives: "ok", or the signal, its si_code and whether
 * si_addr is p. */
static const char* touch(volatile char* p, bool write)
{
    static char what[96];
    fault_sig = 0;
    if (sigsetjmp(recover, 1) == 0) {
        if (write)
            *p = 'w';
        else
            (void)*p;
        return "ok";
    }
    const char* code = fault_sig != SIGBUS ? "" : fault_code == BUS_ADRERR ? " BUS_ADRERR" : " another si_code";
    snprintf(what, sizeof what, "%s%s, si_addr %s", signal_name(fault_sig), code,
             fault_addr == (void*)p ? "the address touched" : "another address");
    return what;
}

static const char* const kSigbus = "SIGBUS BUS_ADRERR, si_addr the address touched";

static int make_file(const char* path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    must(fd >= 0, "open");
    char buf[PAGE];
    for (int i = 0; i < PAGES; i++) {
        memset(buf, 'a' + i, sizeof buf);
        must(write(fd, buf, sizeof buf) == PAGE, "write");
    }
    return fd;
}

static char* map(int fd, int flags)
{
    char* p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);
    must(p != MAP_FAILED, "mmap");
    return p;
}

static void on(const char* where, const char* path)
{
    char what[160];
    int fd = make_file(path);

    /* Pages never touched: the fault reads them (or finds them gone). */
    char* m = map(fd, MAP_SHARED);
    must(ftruncate(fd, PAGE + 10) == 0, "ftruncate");
    snprintf(what, sizeof what, "%s, ftruncate, shared, a read in the last page", where);
    expect_str(what, touch(m + PAGE + 9, false), "ok");
    snprintf(what, sizeof what, "%s, ftruncate, shared, a read of a page never touched past the end", where);
    expect_str(what, touch(m + 2 * PAGE + 123, false), kSigbus);
    snprintf(what, sizeof what, "%s, ftruncate, shared, a write past the end", where);
    expect_str(what, touch(m + 3 * PAGE + 7, true), kSigbus);
    munmap(m, PAGES * PAGE);
    close(fd);

    /* Pages touched (and a private copy written) before: they go too. */
    fd = make_file(path);
    m = map(fd, MAP_SHARED);
    char* p = map(fd, MAP_PRIVATE);
    must(m[2 * PAGE] == 'c' && p[3 * PAGE] == 'd', "read before");
    p[2 * PAGE] = 'p';
    must(truncate(path, PAGE) == 0, "truncate");
    snprintf(what, sizeof what, "%s, truncate, shared, a read of a page touched before", where);
    expect_str(what, touch(m + 2 * PAGE + 1, false), kSigbus);
    snprintf(what, sizeof what, "%s, truncate, private, a read of a page read before", where);
    expect_str(what, touch(p + 3 * PAGE + 2, false), kSigbus);
    snprintf(what, sizeof what, "%s, truncate, private, a read of its own copy", where);
    expect_str(what, touch(p + 2 * PAGE + 3, false), kSigbus);
    snprintf(what, sizeof what, "%s, truncate, private, the first page", where);
    expect_str(what, touch(p + 5, false), "ok");

    /* Emptied by open(O_TRUNC): the first page too, in a forked child. */
    int fds[2];
    must(pipe(fds) == 0, "pipe");
    pid_t child = pt_fork();
    if (child == 0) {
        char c;
        close(fds[1]);
        must(read(fds[0], &c, 1) == 0, "wait for the truncation");
        snprintf(what, sizeof what, "%s, O_TRUNC, a forked child's read of the first page", where);
        expect_str(what, touch(m + 17, false), kSigbus);
        fflush(NULL);
        _exit(pt_failures ? 1 : 0);
    }
    close(fds[0]);
    int again = open(path, O_RDWR | O_TRUNC | O_CLOEXEC);
    must(again >= 0, "open O_TRUNC");
    close(fds[1]);
    int status = pt_wait(child);
    pt_failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snprintf(what, sizeof what, "%s, O_TRUNC, a write to the first page", where);
    expect_str(what, touch(m + 4, true), kSigbus);
    must(ftruncate(again, 2 * PAGE) == 0, "ftruncate");
    snprintf(what, sizeof what, "%s, grown again, the pages within read zeros", where);
    expect_yes(what, m[PAGE + 5] == 0 && p[6] == 0);
    close(again);
    munmap(m, PAGES * PAGE);
    munmap(p, PAGES * PAGE);
    close(fd);
    unlink(path);
}

int main(int argc, char** argv)
{
    pt_start("file_sigbus", argc, argv);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    must(sigaction(SIGBUS, &sa, NULL) == 0 && sigaction(SIGSEGV, &sa, NULL) == 0, "sigaction");

    /* The disk: a file beside the programs (host runs may overlap: our pid). */
    char bin[512], disk[600];
    snprintf(bin, sizeof bin, "%s", pt_bin);
    snprintf(disk, sizeof disk, "%s/file_sigbus.%d", dirname(bin), (int)getpid());
    on("disk", disk);
    on("tmp", scratch_path("file"));
    static const char* const names[] = { "file", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
