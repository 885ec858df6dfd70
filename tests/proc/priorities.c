/* priorities: nice values (getpriority/setpriority for a process, a group
 * and a user; inherited across fork; EACCES for lowering without root),
 * scheduling policies and parameters, personality, capget/capset and
 * mlock's checks, with Linux's answers. (Runs as root, as the test suite
 * does; unprivileged cases run in a child after setuid.) */
#include "proctest.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
/* (musl's sched_* wrappers answer ENOSYS themselves: raw calls throughout.) */

/* The raw syscall: getpriority returns 20 - nice. */
static long raw_getpriority(int which, int who) { return syscall(SYS_getpriority, which, who); }

static void priorities(void)
{
    expect_long("getpriority(PRIO_PROCESS, 0) raw", raw_getpriority(PRIO_PROCESS, 0), 20);
    expect_outcome("setpriority(self, 5)", setpriority(PRIO_PROCESS, 0, 5), "ok");
    errno = 0;
    expect_long("getpriority(self)", getpriority(PRIO_PROCESS, 0), 5);
    expect_outcome("setpriority(self, 100): clamped", setpriority(PRIO_PROCESS, 0, 100), "ok");
    expect_long("getpriority(self) after 100", getpriority(PRIO_PROCESS, 0), 19);
    expect_outcome("setpriority(self, 2) as root", setpriority(PRIO_PROCESS, 0, 2), "ok");
    if (getpid() != getpgrp())
        must(setpgid(0, 0) == 0, "setpgid"); /* a group of its own: no one else's nice counts */
    expect_long("getpriority(PRIO_PGRP, 0)", getpriority(PRIO_PGRP, 0), 2);
    expect_outcome("getpriority(which 7)", getpriority(7, 0), "EINVAL");
    expect_outcome("setpriority(which 7)", setpriority(7, 0, 0), "EINVAL");
    expect_outcome("getpriority(no such pid)", getpriority(PRIO_PROCESS, 999999), "ESRCH");
    expect_outcome("setpriority(no such pgrp)", setpriority(PRIO_PGRP, 999999, 0), "ESRCH");
    expect_outcome("getpriority(no such user)", getpriority(PRIO_USER, 54321), "ESRCH");

    int p[2];
    must(pipe(p) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(p[0]);
        int inherited = getpriority(PRIO_PROCESS, 0);
        int r1 = setuid(1000) == 0;
        int up = setpriority(PRIO_PROCESS, 0, 10) == 0 ? 0 : errno;
        int down = setpriority(PRIO_PROCESS, 0, 3) == 0 ? 0 : errno;
        int other = setpriority(PRIO_PROCESS, getppid(), 10) == 0 ? 0 : errno;
        int user = getpriority(PRIO_USER, 1000);
        dprintf(p[1], "child: inherited %d, setuid %d, raise %s, lower %s, root's %s, user %d\n", inherited, r1,
                errno_name(up), errno_name(down), errno_name(other), user);
        _exit(0);
    }
    close(p[1]);
    char line[256] = "";
    size_t n = read_full(p[0], line, sizeof line - 1);
    line[n] = 0;
    close(p[0]);
    fputs(line, stdout);
    expect_str("the child", status_text(pt_wait(pid)), "exited 0");
    expect_outcome("setpriority(self, 0) back", setpriority(PRIO_PROCESS, 0, 0), "ok");
}

static void scheduling(void)
{
    struct sched_param sp = { 0 };
    expect_long("sched_getscheduler(0)", syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
    expect_long("sched_get_priority_max(SCHED_FIFO)", sched_get_priority_max(SCHED_FIFO), 99);
    expect_long("sched_get_priority_min(SCHED_RR)", sched_get_priority_min(SCHED_RR), 1);
    expect_long("sched_get_priority_max(SCHED_OTHER)", sched_get_priority_max(SCHED_OTHER), 0);
    expect_outcome("sched_get_priority_max(42)", sched_get_priority_max(42), "EINVAL");
    expect_outcome("sched_getparam(0)", syscall(SYS_sched_getparam, 0, &sp), "ok");
    expect_long("priority", sp.sched_priority, 0);
    sp.sched_priority = 5;
    expect_outcome("sched_setscheduler(OTHER, 5)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), "EINVAL");
    sp.sched_priority = 0;
    expect_outcome("sched_setscheduler(BATCH, 0)", syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp), "ok");
    expect_long("sched_getscheduler(0) now", syscall(SYS_sched_getscheduler, 0), SCHED_BATCH);
    expect_outcome("sched_setscheduler(42)", syscall(SYS_sched_setscheduler, 0, 42, &sp), "EINVAL");
    expect_outcome("sched_setscheduler(-1)", syscall(SYS_sched_setscheduler, 0, -1, &sp), "EINVAL");
    expect_outcome("sched_setscheduler(pid -1)", syscall(SYS_sched_setscheduler, -1, SCHED_OTHER, &sp), "EINVAL");
    expect_outcome("sched_setscheduler(null param)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), "EINVAL");
    expect_outcome("sched_setscheduler(bad param)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void*)8), "EFAULT");
    expect_outcome("sched_getscheduler(no such pid)", syscall(SYS_sched_getscheduler, 999999), "ESRCH");
    expect_outcome("sched_getparam(no such pid)", syscall(SYS_sched_getparam, 999999, &sp), "ESRCH");
    expect_outcome("sched_setparam(0, 0)", syscall(SYS_sched_setparam, 0, &sp), "ok");
    sp.sched_priority = 1;
    expect_outcome("sched_setparam(0, 1) under BATCH", syscall(SYS_sched_setparam, 0, &sp), "EINVAL");
    sp.sched_priority = 0;
    expect_outcome("back to SCHED_OTHER", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), "ok");
    struct timespec ts;
    expect_outcome("sched_rr_get_interval(no such pid)", sched_rr_get_interval(999999, &ts), "ESRCH");
    expect_outcome("sched_rr_get_interval(pid -1)", sched_rr_get_interval(-1, &ts), "EINVAL");
}

static void persona(void)
{
    expect_long("personality query", personality(0xffffffff), 0);
    expect_long("personality(ADDR_NO_RANDOMIZE)", personality(ADDR_NO_RANDOMIZE), 0);
    expect_long("personality query after", personality(0xffffffff), ADDR_NO_RANDOMIZE);
    expect_long("personality(PER_LINUX)", personality(PER_LINUX), ADDR_NO_RANDOMIZE);
    expect_long("personality query at the end", personality(0xffffffff), 0);
}

struct cap_header {
    unsigned version;
    int pid;
};
struct cap_data {
    unsigned effective, permitted, inheritable;
};

static void capabilities(void)
{
    struct cap_header h = { 0x20080522, 0 };
    struct cap_data d[2];
    memset(d, 0, sizeof d);
    expect_outcome("capget(v3)", syscall(SYS_capget, &h, d), "ok");
    expect_yes("root: CAP_CHOWN effective", d[0].effective & 1);
    expect_yes("root: CAP_SETUID permitted", d[0].permitted & (1u << 7));
    expect_long("inheritable", d[0].inheritable | d[1].inheritable, 0);
    h.version = 0x12345678;
    expect_outcome("capget(bad version)", syscall(SYS_capget, &h, d), "EINVAL");
    expect_long("version written back", h.version, 0x20080522);
    h.version = 0x12345678;
    expect_outcome("capget(bad version, null data)", syscall(SYS_capget, &h, NULL), "ok");
    expect_long("version written back again", h.version, 0x20080522);
    h.pid = 999999;
    expect_outcome("capget(no such pid)", syscall(SYS_capget, &h, d), "ESRCH");
    h.pid = -1;
    expect_outcome("capget(pid -1)", syscall(SYS_capget, &h, d), "EINVAL");
    expect_outcome("capget(bad header)", syscall(SYS_capget, (void*)8, d), "EFAULT");
    h.pid = 0;
    expect_outcome("capget(v1)", (h.version = 0x19980330, syscall(SYS_capget, &h, d)), "ok");
    h.version = 0x20080522;
    expect_outcome("capget again", syscall(SYS_capget, &h, d), "ok");
    expect_outcome("capset(what it holds)", syscall(SYS_capset, &h, d), "ok");
    h.pid = 1;
    if (getpid() != 1)
        expect_outcome("capset(another pid)", syscall(SYS_capset, &h, d), "EPERM");
    else
        say("capset(another pid): EPERM");

    int p[2];
    must(pipe(p) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(p[0]);
        struct cap_header ch = { 0x20080522, 0 };
        struct cap_data cd[2];
        int r0 = setuid(1000);
        memset(cd, 0xff, sizeof cd);
        long g = syscall(SYS_capget, &ch, cd);
        unsigned any = cd[0].effective | cd[0].permitted | cd[1].effective | cd[1].permitted;
        cd[0].effective = cd[0].permitted = 1;
        long s = syscall(SYS_capset, &ch, cd);
        int serr = errno;
        memset(cd, 0, sizeof cd);
        long z = syscall(SYS_capset, &ch, cd);
        dprintf(p[1], "unprivileged: setuid %d, capget %ld caps %u, capset(CHOWN) %s, capset(none) %ld\n", r0, g, any,
                s == -1 ? errno_name(serr) : "ok", z);
        _exit(0);
    }
    close(p[1]);
    char line[256] = "";
    size_t n = read_full(p[0], line, sizeof line - 1);
    line[n] = 0;
    close(p[0]);
    fputs(line, stdout);
    expect_str("the child", status_text(pt_wait(pid)), "exited 0");
}

static void locking(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char* m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(m != MAP_FAILED, "mmap");
    munmap(m + 2 * page, page); /* a hole */
    expect_outcome("mlock(2 pages)", mlock(m, 2 * page), "ok");
    expect_outcome("mlock(unaligned)", mlock(m + 10, 100), "ok");
    expect_outcome("mlock(across the hole)", mlock(m, 4 * page), "ENOMEM");
    expect_outcome("mlock(the hole)", mlock(m + 2 * page, page), "ENOMEM");
    expect_outcome("mlock(0 bytes)", mlock(m, 0), "ok");
    expect_outcome("munlock(2 pages)", munlock(m, 2 * page), "ok");
    expect_outcome("munlock(the hole)", munlock(m + 2 * page, 1), "ENOMEM");
    expect_outcome("mlock2(ONFAULT)", syscall(SYS_mlock2, m, page, 1), "ok");
    expect_outcome("mlock2(flags 2)", syscall(SYS_mlock2, m, page, 2), "EINVAL");
    expect_outcome("mlockall(0)", mlockall(0), "EINVAL");
    expect_outcome("mlockall(MCL_ONFAULT)", mlockall(MCL_ONFAULT), "EINVAL");
    expect_outcome("mlockall(64)", mlockall(64), "EINVAL");
    expect_outcome("mlockall(MCL_CURRENT)", mlockall(MCL_CURRENT), "ok");
    expect_outcome("munlockall()", munlockall(), "ok");
    munmap(m, 4 * page);
}

/* sethostname/setdomainname: only set to what they already are (the host
 * run must not rename the machine); the errors around them. */
static void names(void)
{
    struct utsname u;
    must(uname(&u) == 0, "uname");
    char host[65], domain[65];
    snprintf(host, sizeof host, "%s", u.nodename);
    snprintf(domain, sizeof domain, "%s", u.domainname);
    expect_outcome("sethostname(the same)", sethostname(host, strlen(host)), "ok");
    expect_outcome("setdomainname(the same)", setdomainname(domain, strlen(domain)), "ok");
    must(uname(&u) == 0, "uname");
    expect_yes("uname: the same names", strcmp(u.nodename, host) == 0 && strcmp(u.domainname, domain) == 0);
    char big[80];
    memset(big, 'a', sizeof big);
    expect_outcome("sethostname(65 bytes)", sethostname(big, 65), "EINVAL");
    expect_outcome("setdomainname(-1)", syscall(SYS_setdomainname, big, -1), "EINVAL");
    expect_outcome("sethostname(bad pointer)", syscall(SYS_sethostname, (void*)8, 4), "EFAULT");
    int p[2];
    must(pipe(p) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(p[0]);
        int r = setuid(1000);
        long h = sethostname(host, strlen(host)) == 0 ? 0 : errno;
        long d = setdomainname(big, 65) == 0 ? 0 : errno;
        dprintf(p[1], "unprivileged: setuid %d, sethostname %s, setdomainname(65) %s\n", r, errno_name((int)h),
                errno_name((int)d));
        _exit(0);
    }
    close(p[1]);
    char line[256] = "";
    size_t n = read_full(p[0], line, sizeof line - 1);
    line[n] = 0;
    close(p[0]);
    fputs(line, stdout);
    expect_str("the child", status_text(pt_wait(pid)), "exited 0");
}

int main(int argc, char** argv)
{
    pt_start("priorities", argc, argv);
    priorities();
    scheduling();
    persona();
    capabilities();
    locking();
    names();
    return pt_finish();
}
