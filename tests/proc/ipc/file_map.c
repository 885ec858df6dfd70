/* file_map: file-backed mappings of an ext2 file (the test's disk: /data
 * in the guest, the programs' tree on the host), as Linux gives them.
 *   - MAP_SHARED: a store through the mapping is what read(2) sees, a
 *     write(2) is what the mapping sees, two mappings (and a forked child)
 *     see each other's stores; munmap and msync keep the bytes in the file;
 *   - MAP_PRIVATE: sees write(2) until it writes the page, which the file
 *     never sees; MADV_DONTNEED brings the file's page back;
 *   - ftruncate under a mapping: SIGBUS (BUS_ADRERR) past the end, zeros
 *     in the tail of the last page; a mapping longer than the file: SIGBUS;
 *   - mremap: shrink, grow in place, MREMAP_MAYMOVE, MREMAP_FIXED, a second
 *     view of shared memory (old size 0), the error cases;
 *   - mincore of touched, untouched and discarded anonymous pages, and of
 *     touched file pages; its errors. */
#include "ipctest.h"
#include <libgen.h>
#include <setjmp.h>
#include <sys/mman.h>

#define PAGE 4096

static char dir[512];
static char path[600];
static sigjmp_buf recover;
static volatile int fault_sig, fault_code;

static void on_fault(int sig, siginfo_t* info, void* ctx)
{
    (void)ctx;
    fault_sig = sig;
    fault_code = info->si_code;
    siglongjmp(recover, 1);
}

/* What touching p gives: "ok", "SIGBUS (BUS_ADRERR)" or "SIGSEGV". */
static const char* touch(volatile char* p, bool write)
{
    static char what[64];
    fault_sig = 0;
    if (sigsetjmp(recover, 1) == 0) {
        if (write)
            *p = 'w';
        else
            (void)*p;
        return "ok";
    }
    snprintf(what, sizeof what, "%s%s", signal_name(fault_sig),
             fault_sig == SIGBUS ? (fault_code == BUS_ADRERR ? " (BUS_ADRERR)" : " (other code)") : "");
    return what;
}

static void catch_faults(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    must(sigaction(SIGBUS, &sa, NULL) == 0 && sigaction(SIGSEGV, &sa, NULL) == 0, "sigaction");
}

/* A file of `pages` pages, page i filled with 'a' + i. */
static int make_file(int pages)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    must(fd >= 0, "open");
    char buf[PAGE];
    for (int i = 0; i < pages; i++) {
        memset(buf, 'a' + i, sizeof buf);
        must(write(fd, buf, sizeof buf) == PAGE, "write");
    }
    return fd;
}

static char byte_at(int fd, off_t at)
{
    char c = '?';
    must(pread(fd, &c, 1, at) == 1, "pread");
    return c;
}

static char* map(int fd, size_t len, int prot, int flags, off_t offset)
{
    char* p = mmap(NULL, len, prot, flags, fd, offset);
    must(p != MAP_FAILED, "mmap");
    return p;
}

static void shared(void)
{
    say("-- MAP_SHARED and read(2), write(2)");
    int fd = make_file(3);
    char* m = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    expect_long("the mapping shows the file", m[PAGE + 1], 'b');
    m[10] = 'X';
    m[PAGE + 5] = 'Y';
    m[2 * PAGE + 4095] = 'Z';
    expect_long("read(2) sees a store at 10", byte_at(fd, 10), 'X');
    expect_long("read(2) sees a store at 4101", byte_at(fd, PAGE + 5), 'Y');
    expect_long("read(2) sees a store at the last byte", byte_at(fd, 3 * PAGE - 1), 'Z');
    must(pwrite(fd, "hello", 5, 100) == 5, "pwrite");
    expect_yes("the mapping sees write(2)", memcmp(m + 100, "hello", 5) == 0);
    must(pwrite(fd, "ab", 2, PAGE - 1) == 2, "pwrite");
    expect_yes("a write(2) across two pages", m[PAGE - 1] == 'a' && m[PAGE] == 'b');

    say("-- two mappings and a child");
    int fd2 = open(path, O_RDWR | O_CLOEXEC);
    must(fd2 >= 0, "open");
    char* m2 = map(fd2, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, PAGE);
    m[PAGE + 7] = 'Q';
    expect_long("the second mapping (offset 4096) sees the first's store", m2[7], 'Q');
    m2[PAGE + 9] = 'R';
    expect_long("the first sees the second's", m[2 * PAGE + 9], 'R');
    pid_t pid = pt_fork();
    if (pid == 0) {
        m[20] = 'C';
        m2[30] = 'D';
        _exit(0);
    }
    expect_str("the child stores", status_text(pt_wait(pid)), "exited 0");
    expect_yes("the parent sees them", m[20] == 'C' && m[PAGE + 30] == 'D');
    expect_long("and read(2) too", byte_at(fd, PAGE + 30), 'D');
    pid = pt_fork();
    if (pid == 0) {
        /* A mapping of its own, not inherited: the same pages. */
        int cfd = open(path, O_RDWR | O_CLOEXEC);
        char* own = cfd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 2 * PAGE);
        if (own == MAP_FAILED)
            _exit(2);
        own[50] = 'O';
        _exit(own[9] == 'R' ? 0 : 1);
    }
    expect_str("a child maps the file itself, sees a store, stores", status_text(pt_wait(pid)), "exited 0");
    expect_long("the parent's mapping sees its store", m[2 * PAGE + 50], 'O');

    say("-- the kernel stores into a mapping");
    int pipefd[2];
    must(pipe(pipefd) == 0, "pipe");
    volatile char c = m[2 * PAGE + 100]; /* read first: a clean page */
    (void)c;
    must(write(pipefd[1], "piped", 5) == 5, "write");
    expect_long("read(2) from a pipe into a clean mapped page", read(pipefd[0], m + 2 * PAGE + 100, 5), 5);
    expect_yes("the file has the bytes", byte_at(fd, 2 * PAGE + 104) == 'd');
    char* priv = map(fd, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 2 * PAGE);
    c = priv[0];
    must(write(pipefd[1], "mine!", 5) == 5, "write");
    expect_long("read(2) into a clean private page", read(pipefd[0], priv + 100, 5), 5);
    expect_yes("copies it: the file keeps its bytes", priv[104] == '!' && byte_at(fd, 2 * PAGE + 104) == 'd');
    munmap(priv, PAGE);
    close(pipefd[0]);
    close(pipefd[1]);

    say("-- msync and munmap");
    m[200] = 'M';
    expect_outcome("msync MS_SYNC", msync(m, 3 * PAGE, MS_SYNC), "ok");
    expect_outcome("msync MS_ASYNC", msync(m, PAGE, MS_ASYNC), "ok");
    expect_outcome("msync of both flags", msync(m, PAGE, MS_SYNC | MS_ASYNC), "EINVAL");
    expect_outcome("msync of an unaligned address", msync(m + 1, PAGE, MS_SYNC), "EINVAL");
    m2[40] = 'U';
    must(munmap(m2, 2 * PAGE) == 0 && munmap(m, 3 * PAGE) == 0, "munmap");
    close(fd2);
    close(fd);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    must(fd >= 0, "open");
    char buf[3 * PAGE];
    must(read(fd, buf, sizeof buf) == (ssize_t)sizeof buf, "read");
    expect_yes("after munmap the file holds every store",
               buf[10] == 'X' && buf[200] == 'M' && buf[PAGE + 40] == 'U' && buf[2 * PAGE + 4095] == 'Z');
    close(fd);
}

static void private_view(void)
{
    say("-- MAP_PRIVATE");
    int fd = make_file(2);
    char* p = map(fd, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
    char* s = map(fd, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    must(pwrite(fd, "fresh", 5, 50) == 5, "pwrite");
    expect_yes("an unwritten private page sees write(2)", memcmp(p + 50, "fresh", 5) == 0);
    s[PAGE + 60] = 'S';
    expect_long("and a shared mapping's store", p[PAGE + 60], 'S');
    p[0] = 'P';
    expect_long("a private store is not the file's", byte_at(fd, 0), 'a');
    expect_long("nor the shared mapping's", s[0], 'a');
    must(pwrite(fd, "later", 5, 50) == 5, "pwrite");
    expect_yes("a written private page no longer sees write(2)", memcmp(p + 50, "fresh", 5) == 0);
    pid_t pid = pt_fork();
    if (pid == 0) {
        p[PAGE] = 'K';
        _exit(p[0] == 'P' ? 0 : 1);
    }
    expect_str("a child has the private page, stores its own", status_text(pt_wait(pid)), "exited 0");
    expect_yes("the parent does not see the child's store", p[PAGE] == 'b' && byte_at(fd, PAGE) == 'b');
    expect_outcome("MADV_DONTNEED", madvise(p, PAGE, MADV_DONTNEED), "ok");
    expect_yes("then the page is the file's again", p[0] == 'a' && memcmp(p + 50, "later", 5) == 0);
    munmap(s, 2 * PAGE);
    munmap(p, 2 * PAGE);
    close(fd);
}

static void truncation(void)
{
    say("-- ftruncate under a mapping");
    int fd = make_file(3);
    char* m = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    char* p = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
    p[2 * PAGE] = 'p'; /* a private copy past the new end: it goes too */
    must(ftruncate(fd, PAGE + 100) == 0, "ftruncate");
    expect_str("a read in the first page", touch(m + 5, false), "ok");
    expect_str("a read at the new end's page", touch(m + PAGE + 50, false), "ok");
    expect_long("the tail of that page reads zero", m[PAGE + 200], 0);
    expect_str("a read past the end", touch(m + 2 * PAGE, false), "SIGBUS (BUS_ADRERR)");
    expect_str("a write past the end", touch(m + 2 * PAGE + 8, true), "SIGBUS (BUS_ADRERR)");
    expect_str("a private mapping's read past the end", touch(p + 2 * PAGE, false), "SIGBUS (BUS_ADRERR)");
    must(ftruncate(fd, 3 * PAGE) == 0, "ftruncate");
    expect_str("grown again, the page is back", touch(m + 2 * PAGE, false), "ok");
    expect_yes("reading zeros", m[2 * PAGE] == 0 && m[PAGE + 200] == 0 && p[2 * PAGE] == 0);
    must(ftruncate(fd, PAGE + 100) == 0, "ftruncate");
    m[PAGE + 150] = 'x'; /* past the end, in the last page: not the file's */
    must(pwrite(fd, "appended", 8, PAGE + 100) == 8, "pwrite");
    expect_yes("write(2) appending in the mapped last page", memcmp(m + PAGE + 100, "appended", 8) == 0);
    char back[9] = { 0 };
    must(pread(fd, back, 8, PAGE + 100) == 8, "pread");
    expect_str("read(2) of the appended bytes", back, "appended");
    expect_long("the file's size", lseek(fd, 0, SEEK_END), PAGE + 108);
    must(ftruncate(fd, 3 * PAGE) == 0, "ftruncate");
    expect_long("a store past the old end reads zero once the file grows", m[PAGE + 150], 0);
    munmap(m, 3 * PAGE);
    munmap(p, 3 * PAGE);
    char* big = map(fd, 5 * PAGE, PROT_READ, MAP_SHARED, 0);
    expect_str("a mapping longer than the file: its last page", touch(big + 3 * PAGE - 1, false), "ok");
    expect_str("past it", touch(big + 3 * PAGE, false), "SIGBUS (BUS_ADRERR)");
    munmap(big, 5 * PAGE);
    close(fd);
}

static void* anon(size_t pages)
{
    void* p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(p != MAP_FAILED, "mmap");
    return p;
}

static void remapping(void)
{
    say("-- mremap");
    char* a = anon(4);
    for (int i = 0; i < 4; i++)
        a[i * PAGE] = (char)('0' + i);
    expect_yes("shrink in place", mremap(a, 4 * PAGE, 2 * PAGE, 0) == a);
    expect_str("the cut pages are gone", touch(a + 2 * PAGE, false), "SIGSEGV");
    char* grown = mremap(a, 2 * PAGE, 4 * PAGE, 0);
    expect_yes("grow in place into the free room", grown == a);
    expect_yes("the old pages keep their bytes, the new read zero", a[0] == '0' && a[PAGE] == '1' && a[3 * PAGE] == 0);
    char* b = anon(3);
    expect_yes("no room to grow the first page of three without MREMAP_MAYMOVE",
               mremap(b, PAGE, 2 * PAGE, 0) == MAP_FAILED && errno == ENOMEM);
    b[0] = 'B';
    char* moved = mremap(b, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
    expect_yes("MREMAP_MAYMOVE moves it", moved != MAP_FAILED && moved != b && moved[0] == 'B' && moved[PAGE] == 0);
    expect_str("the old page is unmapped", touch(b, false), "SIGSEGV");
    expect_str("the rest of the old region stays", touch(b + PAGE, true), "ok");
    char* target = anon(2);
    target[0] = 'T';
    char* fixed = mremap(moved, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    expect_yes("MREMAP_FIXED replaces what was there", fixed == target && target[0] == 'B');
    expect_yes("over itself: EINVAL", mremap(target, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target) == MAP_FAILED && errno == EINVAL);
    expect_yes("MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL", mremap(target, PAGE, PAGE, MREMAP_FIXED, a) == MAP_FAILED && errno == EINVAL);
    expect_yes("an unaligned address: EINVAL", mremap(target + 1, PAGE, PAGE, 0) == MAP_FAILED && errno == EINVAL);
    expect_yes("a new size 0: EINVAL", mremap(target, PAGE, 0, 0) == MAP_FAILED && errno == EINVAL);
    expect_yes("an old size 0 of private memory: EINVAL", mremap(target, 0, PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    expect_yes("unmapped memory: EFAULT", mremap(moved, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);
    expect_yes("more than the mapping: EFAULT", mremap(target, 3 * PAGE, 4 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);

    char* sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    must(sh != MAP_FAILED, "mmap");
    char* view = mremap(sh, 0, PAGE, MREMAP_MAYMOVE);
    expect_yes("old size 0 of shared memory: a second view", view != MAP_FAILED && view != sh);
    sh[5] = 'v';
    expect_long("which sees the first's stores", view[5], 'v');

    int fd = make_file(2);
    char* f = map(fd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    char* f2 = mremap(f, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
    expect_yes("a file mapping grown shows the file's next page", f2 != MAP_FAILED && f2[PAGE] == 'b');
    f2[PAGE + 1] = 'G';
    expect_long("and writes into it", byte_at(fd, PAGE + 1), 'G');
    munmap(f2, 2 * PAGE);
    close(fd);
    munmap(a, 4 * PAGE);
    munmap(b + PAGE, 2 * PAGE);
    munmap(target, 2 * PAGE);
    munmap(sh, PAGE);
    munmap(view, PAGE);
}

static const char* residency(void* p, size_t pages)
{
    static char text[32];
    unsigned char vec[16];
    if (mincore(p, pages * PAGE, vec) != 0)
        return errno_name(errno);
    for (size_t i = 0; i < pages; i++)
        text[i] = (char)('0' + (vec[i] & 1));
    text[pages] = 0;
    return text;
}

static void residency_checks(void)
{
    say("-- mincore");
    char* a = anon(4);
    a[0] = 1;
    a[2 * PAGE] = 1;
    expect_str("touched pages 0 and 2", residency(a, 4), "1010");
    must(madvise(a, PAGE, MADV_DONTNEED) == 0, "madvise");
    expect_str("after MADV_DONTNEED of page 0", residency(a, 4), "0010");
    expect_str("an unaligned address", residency(a + 1, 1), "EINVAL");
    munmap(a + 3 * PAGE, PAGE);
    expect_str("a range with an unmapped page", residency(a, 4), "ENOMEM");
    int fd = make_file(2);
    char* f = map(fd, 2 * PAGE, PROT_READ, MAP_PRIVATE, 0);
    volatile char c = f[0];
    c = f[PAGE];
    (void)c;
    expect_str("touched pages of a file", residency(f, 2), "11");
    munmap(f, 2 * PAGE);
    munmap(a, 3 * PAGE);
    close(fd);
}

int main(int argc, char** argv)
{
    pt_start("file_map", argc, argv);
    /* The disk: the programs' tree (/data in the guest), a directory of
     * this run's own (host runs may overlap). */
    char bin[512];
    snprintf(bin, sizeof bin, "%s", pt_bin);
    snprintf(dir, sizeof dir, "%s/file_map.%d", dirname(bin), (int)getpid());
    must(mkdir(dir, 0700) == 0, "mkdir");
    snprintf(path, sizeof path, "%s/data", dir);
    catch_faults();
    shared();
    private_view();
    truncation();
    remapping();
    residency_checks();
    unlink(path);
    rmdir(dir);
    return pt_finish();
}
