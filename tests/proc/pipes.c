/* pipes: pipes between processes.
 *   - parent -> child and child -> parent (the child answers in upper case);
 *   - a pipeline of three processes on their stdin/stdout (numbers,
 *     squares, sum), the sum sent back to the parent;
 *   - 8 writers, each 200 writes of PIPE_BUF (4096) bytes of its own
 *     letter into one pipe: every 4096-byte block arrives whole;
 *   - EOF only when every write end is closed (the child's copy too);
 *   - 8 MiB through a pipe, checksummed;
 *   - O_NONBLOCK set by the child is seen by the parent (one open file
 *     description), a non-blocking writer fills the pipe at 65536 bytes;
 *   - no reader: SIGPIPE kills the writer, or EPIPE when it is ignored. */
#include "proctest.h"
#include <ctype.h>
#include <limits.h>
#include <poll.h>

static void child_upper(int in, int out)
{
    char buf[256];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf && (r = read(in, buf + n, sizeof buf - n)) > 0)
        n += (size_t)r;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)toupper((unsigned char)buf[i]);
    _exit(write_full(out, buf, n) ? 0 : 1);
}

/* One stage of the pipeline: reads lines of numbers from stdin. */
static void stage(int which)
{
    char out[64];
    if (which == 0) {
        for (int i = 1; i <= 1000; i++) {
            int n = snprintf(out, sizeof out, "%d\n", i);
            if (!write_full(1, out, (size_t)n))
                _exit(1);
        }
        _exit(0);
    }
    FILE* in = fdopen(0, "r");
    long v, sum = 0;
    while (fscanf(in, "%ld", &v) == 1) {
        if (which == 1) {
            int n = snprintf(out, sizeof out, "%ld\n", v * v);
            if (!write_full(1, out, (size_t)n))
                _exit(1);
        } else {
            sum += v;
        }
    }
    if (which == 2) {
        int n = snprintf(out, sizeof out, "%ld", sum);
        if (!write_full(1, out, (size_t)n))
            _exit(1);
    }
    _exit(0);
}

static void atomic_writers(void)
{
    enum { writers = 8, writes = 200, size = PIPE_BUF };
    int p[2];
    must(pipe(p) == 0, "pipe");
    pid_t kids[writers];
    for (int w = 0; w < writers; w++) {
        kids[w] = pt_fork();
        if (kids[w] == 0) {
            close(p[0]);
            char block[size];
            memset(block, 'A' + w, size);
            for (int i = 0; i < writes; i++)
                if (write(p[1], block, size) != size)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    static char block[size];
    int count[writers] = { 0 };
    int torn = 0, blocks = 0;
    size_t got;
    while ((got = read_full(p[0], block, size)) == size) {
        blocks++;
        int w = block[0] - 'A';
        int whole = w >= 0 && w < writers;
        for (size_t k = 1; k < size && whole; k++)
            whole = block[k] == block[0];
        if (whole)
            count[w]++;
        else
            torn++;
    }
    close(p[0]);
    int all = 1;
    for (int w = 0; w < writers; w++) {
        if (count[w] != writes)
            all = 0;
        expect_str("writer", status_text(pt_wait(kids[w])), "exited 0");
    }
    expect_long("blocks read", blocks, writers * writes);
    expect_long("torn blocks", torn, 0);
    expect_yes("200 whole blocks from each writer", all);
    expect_long("bytes after the last block (EOF)", (long)got, 0);
}

int main(int argc, char** argv)
{
    pt_start("pipes", argc, argv);

    say("-- parent -> child -> parent");
    int down[2], up[2];
    must(pipe(down) == 0 && pipe(up) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        child_upper(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    must(write_full(down[1], "hello child", 11), "write");
    close(down[1]);
    char buf[64] = { 0 };
    read_full(up[0], buf, sizeof buf - 1);
    close(up[0]);
    expect_str("the child answers", buf, "HELLO CHILD");
    expect_str("the child", status_text(pt_wait(pid)), "exited 0");

    say("-- a pipeline of three processes");
    int a[2], b[2], c[2];
    must(pipe(a) == 0 && pipe(b) == 0 && pipe(c) == 0, "pipe");
    pid_t st[3];
    for (int i = 0; i < 3; i++) {
        st[i] = pt_fork();
        if (st[i] == 0) {
            int in = i == 0 ? -1 : i == 1 ? a[0] : b[0];
            int out = i == 0 ? a[1] : i == 1 ? b[1] : c[1];
            if (in >= 0)
                dup2(in, 0);
            dup2(out, 1);
            for (int fd = 3; fd < 20; fd++)
                close(fd);
            stage(i);
        }
    }
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    close(c[1]);
    memset(buf, 0, sizeof buf);
    read_full(c[0], buf, sizeof buf - 1);
    close(c[0]);
    expect_str("sum of the squares of 1..1000", buf, "333833500");
    for (int i = 0; i < 3; i++)
        expect_str("stage", status_text(pt_wait(st[i])), "exited 0");

    say("-- 8 writers, PIPE_BUF-sized writes");
    atomic_writers();

    say("-- EOF needs every write end closed");
    int p[2];
    must(pipe(p) == 0, "pipe");
    int hold[2];
    must(pipe(hold) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        /* keeps p[1] open until the parent closes hold[1] */
        close(hold[1]);
        char x;
        read(hold[0], &x, 1);
        _exit(0);
    }
    close(hold[0]);
    close(p[1]);
    struct pollfd pf = { p[0], POLLIN, 0 };
    expect_long("poll while the child holds a write end", poll(&pf, 1, 0), 0);
    close(hold[1]);
    pt_wait(pid);
    pf.revents = 0;
    int n = poll(&pf, 1, 0);
    expect_yes("poll once it exited: POLLHUP", n == 1 && (pf.revents & POLLHUP));
    expect_long("read", (long)read(p[0], buf, 1), 0);
    close(p[0]);

    say("-- 8 MiB through a pipe");
    must(pipe(p) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        close(p[0]);
        static unsigned char chunk[65536];
        unsigned x = 1;
        for (int i = 0; i < 128; i++) {
            for (size_t k = 0; k < sizeof chunk; k++) {
                x = x * 1103515245u + 12345u;
                chunk[k] = (unsigned char)(x >> 16);
            }
            if (!write_full(p[1], chunk, sizeof chunk))
                _exit(1);
        }
        _exit(0);
    }
    close(p[1]);
    static unsigned char in[40000];
    unsigned x = 1;
    long total = 0, wrong = 0;
    ssize_t r;
    while ((r = read(p[0], in, sizeof in)) > 0) {
        for (ssize_t k = 0; k < r; k++) {
            x = x * 1103515245u + 12345u;
            if (in[k] != (unsigned char)(x >> 16))
                wrong++;
        }
        total += r;
    }
    close(p[0]);
    expect_long("bytes", total, 8L << 20);
    expect_long("wrong bytes", wrong, 0);
    expect_str("the writer", status_text(pt_wait(pid)), "exited 0");

    say("-- a shared open file description");
    must(pipe(p) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
        _exit(0);
    }
    pt_wait(pid);
    expect_yes("O_NONBLOCK set by the child is seen by the parent", fcntl(p[1], F_GETFL) & O_NONBLOCK);
    pid = pt_fork();
    if (pid == 0) {
        long filled = 0;
        char one[1024] = { 0 };
        while ((r = write(p[1], one, sizeof one)) > 0)
            filled += r;
        _exit(r < 0 && errno == EAGAIN && filled == 65536 ? 0 : 1);
    }
    expect_str("a non-blocking writer fills it at 65536 bytes, then EAGAIN (0 = yes)", status_text(pt_wait(pid)), "exited 0");
    close(p[0]);
    close(p[1]);

    say("-- no reader");
    must(pipe(p) == 0, "pipe");
    close(p[0]);
    pid = pt_fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    expect_str("a writer with SIGPIPE's default action", status_text(pt_wait(pid)), "killed by SIGPIPE");
    pid = pt_fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        _exit(write(p[1], "x", 1) == -1 && errno == EPIPE ? 0 : 1);
    }
    expect_str("a writer ignoring SIGPIPE gets EPIPE (0 = yes)", status_text(pt_wait(pid)), "exited 0");
    close(p[1]);
    return pt_finish();
}
