/* errnames.h: errno names that proctest.h's errno_name leaves out, for
 * the futex and fdpass tests (which include proctest.h first). */
#ifndef ERRNAMES_H
#define ERRNAMES_H

static const char* err_name(int e)
{
    switch (e) {
    case ETIMEDOUT: return "ETIMEDOUT";
    case EDEADLK: return "EDEADLK";
    case EOWNERDEAD: return "EOWNERDEAD";
    case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETOOMANYREFS: return "ETOOMANYREFS";
    default: return errno_name(e);
    }
}

/* A pthread-style result (0 or an errno) as a name. */
static void expect_err(const char* what, int got, const char* want) { expect_str(what, err_name(got), want); }
/* A -1-and-errno result as "ok" or a name. */
static void expect_call(const char* what, long r, const char* want) { expect_str(what, r == -1 ? err_name(errno) : "ok", want); }

#endif
