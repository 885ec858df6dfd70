/* ipctest.h: what the IPC tests add to proctest.h: the errno names IPC
 * calls give that proctest.h does not spell, and octal numbers. */
#ifndef IPCTEST_H
#define IPCTEST_H
#include "proctest.h"

static const char* ipc_errno_name(int e)
{
    switch (e) {
    case EFBIG: return "EFBIG";
    case EIDRM: return "EIDRM";
    case ENOMSG: return "ENOMSG";
    case ENOSPC: return "ENOSPC";
    default: return errno_name(e);
    }
}

static const char* ipc_outcome(long r) { return r == -1 ? ipc_errno_name(errno) : "ok"; }
static void expect_ipc(const char* what, long r, const char* want) { expect_str(what, ipc_outcome(r), want); }

static void expect_octal(const char* what, unsigned got, unsigned want)
{
    char g[16], w[16];
    snprintf(g, sizeof g, "%o", got);
    snprintf(w, sizeof w, "%o", want);
    expect_str(what, g, w);
}

/* A key no other run is likely to use: the host's IPC namespace is shared
 * by test runs at the same time, in PID namespaces of their own (so a pid
 * is no good). Random, positive, never IPC_PRIVATE. */
static key_t fresh_key(void)
{
    unsigned r = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, &r, sizeof r) != (ssize_t)sizeof r)
        r = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    if (fd >= 0)
        close(fd);
    return (key_t)((r & 0x3fffffff) | 0x10000);
}

/* A child's exit status that carries an errno (0: success). */
static const char* errno_of_status(int status)
{
    return WIFEXITED(status) ? ipc_errno_name(WEXITSTATUS(status)) : status_text(status);
}

#endif
