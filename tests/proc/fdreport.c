/* fdreport: a helper the process tests exec to see which descriptors
 * survived execve. Prints each open descriptor below 64 with its
 * close-on-exec flag and, from 3 up, its type and (for a regular file) its
 * offset, which an exec'd program shares with whoever opened it. */
#include "proctest.h"

static const char* type_of(mode_t m)
{
    if (S_ISREG(m))
        return "file";
    if (S_ISFIFO(m))
        return "pipe";
    if (S_ISCHR(m))
        return "chr";
    if (S_ISDIR(m))
        return "dir";
    if (S_ISSOCK(m))
        return "socket";
    return "other";
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int fd = 0; fd < 64; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags == -1)
            continue;
        printf("fdreport: fd %d open, cloexec %s", fd, flags & FD_CLOEXEC ? "yes" : "no");
        struct stat st;
        if (fd > 2 && fstat(fd, &st) == 0) {
            printf(", %s", type_of(st.st_mode));
            if (S_ISREG(st.st_mode))
                printf(", offset %ld", (long)lseek(fd, 0, SEEK_CUR));
        }
        printf("\n");
    }
    return 0;
}
