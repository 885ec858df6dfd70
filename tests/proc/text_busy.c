/* text_busy: a running program's file and a file open for writing exclude
 * each other (Linux's i_writecount): open for writing, O_TRUNC and
 * truncate of a running program give ETXTBSY; execve of a file open for
 * writing gives ETXTBSY; both work again once the other side is gone. */
#include "proctest.h"

/* Copies the program at from to a new executable file at to. */
static void copy_program(const char* from, const char* to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    must(in >= 0, from);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    must(out >= 0, to);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        must(write_full(out, buf, (size_t)n), "write");
    must(n == 0, "read");
    close(in);
    must(close(out) == 0, "close");
}

int main(int argc, char** argv)
{
    if (argc > 2 && strcmp(argv[2], "--wait") == 0) {
        /* The copy, running: waits until its parent closes the pipe. */
        char c;
        while (read(3, &c, 1) > 0) { }
        return 0;
    }
    pt_start("text_busy", argc, argv);
    const char* copy = scratch_path("busy");
    copy_program("/proc/self/exe", copy);

    /* A file open for writing is not run. */
    int writer = open(copy, O_WRONLY | O_CLOEXEC);
    expect_yes("open the copy for writing", writer >= 0);
    char* args[] = { (char*)copy, (char*)pt_bin, "--wait", NULL };
    pid_t pid = pt_fork();
    if (pid == 0) {
        execv(copy, args);
        _exit(errno == ETXTBSY ? 26 : 1);
    }
    expect_str("execve of a file open for writing", status_text(pt_wait(pid)), "exited 26");
    close(writer);

    /* While the copy runs, its file is not written. */
    int gate[2];
    must(pipe(gate) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        close(gate[1]);
        dup2(gate[0], 3);
        execv(copy, args);
        _exit(127);
    }
    close(gate[0]);
    /* Wait until the child has execed: its /proc/PID/exe is the copy. */
    char link[64], target[512] = "";
    snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
    for (int i = 0; i < 2000; i++) {
        long n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        if (strcmp(target, copy) == 0)
            break;
        sleep_ms(5);
    }
    expect_yes("the child runs the copy", strcmp(target, copy) == 0);
    expect_outcome("open(O_WRONLY) of the running program", open(copy, O_WRONLY | O_CLOEXEC), "ETXTBSY");
    expect_outcome("open(O_RDWR) of the running program", open(copy, O_RDWR | O_CLOEXEC), "ETXTBSY");
    expect_outcome("open(O_RDONLY|O_TRUNC) of the running program", open(copy, O_RDONLY | O_TRUNC | O_CLOEXEC), "ETXTBSY");
    expect_outcome("truncate of the running program", truncate(copy, 0), "ETXTBSY");
    int reader = open(copy, O_RDONLY | O_CLOEXEC);
    expect_yes("open(O_RDONLY) of the running program", reader >= 0);
    close(reader);
    struct stat st;
    expect_yes("its size is unchanged", stat(copy, &st) == 0 && st.st_size > 0);
    /* A second run of the same file is fine (readers and runners share it). */
    int gate2[2];
    must(pipe(gate2) == 0, "pipe");
    pid_t second = pt_fork();
    if (second == 0) {
        close(gate2[1]);
        dup2(gate2[0], 3);
        execv(copy, args);
        _exit(127);
    }
    close(gate2[0]);
    close(gate2[1]);
    expect_str("a second run of it", status_text(pt_wait(second)), "exited 0");
    close(gate[1]);
    expect_str("the first run", status_text(pt_wait(pid)), "exited 0");

    /* Nobody runs it any more: it can be written and truncated. */
    int fd = open(copy, O_WRONLY | O_CLOEXEC);
    expect_yes("open(O_WRONLY) once it ended", fd >= 0);
    close(fd);
    expect_outcome("truncate once it ended", truncate(copy, 0), "ok");
    scratch_cleanup((const char* const[]) { "busy", NULL });
    return pt_finish();
}
