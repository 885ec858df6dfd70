/* cloexec: which descriptors an exec'd program gets. Descriptors 10-19 are
 * set up ten ways, with and without close-on-exec; fork keeps all of
 * them (with their flags), execve closes exactly the close-on-exec ones,
 * and the survivors share their open file description (the offset) with
 * the parent. fdreport (exec'd) prints what it has. */
#include "proctest.h"

/* Moves fd to at, keeping its close-on-exec flag. */
static void place(int fd, int at)
{
    must(fd >= 0, "open");
    if (fd != at) {
        int cloexec = fcntl(fd, F_GETFD) & FD_CLOEXEC;
        must(dup3(fd, at, cloexec ? O_CLOEXEC : 0) == at, "dup3");
        close(fd);
    }
}

int main(int argc, char** argv)
{
    pt_start("cloexec", argc, argv);
    const char* file = scratch_path("file");
    write_file(file, "0123456789", 0644);
    int p[2];

    place(open(file, O_RDONLY), 10);                  /* plain: kept */
    place(open(file, O_RDONLY | O_CLOEXEC), 11);      /* O_CLOEXEC: closed */
    place(open(file, O_RDONLY), 12);
    must(fcntl(12, F_SETFD, FD_CLOEXEC) == 0, "F_SETFD"); /* closed */
    must(dup3(10, 13, O_CLOEXEC) == 13, "dup3");      /* closed */
    must(dup2(11, 14) == 14, "dup2");                 /* dup2 clears the flag: kept */
    must(fcntl(10, F_DUPFD_CLOEXEC, 15) == 15, "F_DUPFD_CLOEXEC"); /* closed */
    must(pipe2(p, O_CLOEXEC) == 0, "pipe2");
    place(p[0], 16);                                  /* closed */
    place(p[1], 17);
    must(fcntl(17, F_SETFD, 0) == 0, "F_SETFD 0");    /* flag cleared again: kept */
    must(fcntl(10, F_DUPFD, 18) == 18, "F_DUPFD");    /* kept */
    place(open(file, O_RDONLY | O_CLOEXEC), 19);
    must(fcntl(19, F_SETFD, 0) == 0, "F_SETFD 0");    /* kept */
    must(lseek(10, 4, SEEK_SET) == 4, "lseek");       /* 10, 13, 15 and 18 share this offset */

    int flags[20];
    for (int fd = 10; fd < 20; fd++)
        flags[fd] = fcntl(fd, F_GETFD);

    /* fork keeps every descriptor and its flag. */
    pid_t pid = pt_fork();
    if (pid == 0) {
        int same = 1;
        for (int fd = 10; fd < 20; fd++)
            if (fcntl(fd, F_GETFD) != flags[fd])
                same = 0;
        if (lseek(18, 0, SEEK_CUR) != 4)
            same = 0;
        lseek(18, 6, SEEK_SET); /* seen by the parent: one open file description */
        _exit(same ? 0 : 1);
    }
    expect_str("fork keeps descriptors 10-19 and their flags", status_text(pt_wait(pid)), "exited 0");
    expect_long("offset moved by the child, seen by the parent", (long)lseek(10, 0, SEEK_CUR), 6);

    say("-- execve closes the close-on-exec descriptors");
    pid = pt_fork();
    if (pid == 0) {
        char* args[] = { "fdreport", NULL };
        char* env[] = { NULL };
        execve(bin_path("fdreport"), args, env);
        _exit(127);
    }
    expect_str("status", status_text(pt_wait(pid)), "exited 0");
    int same = 1;
    for (int fd = 10; fd < 20; fd++)
        if (fcntl(fd, F_GETFD) != flags[fd])
            same = 0;
    expect_yes("the parent's descriptors 10-19 and flags are as before", same);
    for (int fd = 10; fd < 20; fd++)
        close(fd);

    const char* names[] = { "file", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
