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

/* A child's exit status that carries an errno (0: success). */
static const char* errno_of_status(int status)
{
    return WIFEXITED(status) ? ipc_errno_name(WEXITSTATUS(status)) : status_text(status);
}

#endif
