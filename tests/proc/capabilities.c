/* capabilities: the capability sets (capabilities(7)) as a daemon that
 * drops root meets them: capget/capset's rules, PR_SET_KEEPCAPS across
 * setuid (dnsmasq keeps CAP_NET_ADMIN so), what an effective uid leaving
 * and regaining 0 does, the bounding and ambient sets across execve,
 * CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH / CAP_FOWNER / CAP_KILL in the
 * checks they govern, PR_SET_NO_NEW_PRIVS, and /proc/self/status. Each
 * case runs in a child. Only the capabilities named below are printed: a
 * host in a container may lack others (its bounding set). (Runs as root,
 * as the test suite does.) */
#include "proctest.h"
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

enum { CHOWN = 0, DAC_OVERRIDE = 1, DAC_READ_SEARCH = 2, FOWNER = 3, KILL = 5, SETGID = 6, SETUID = 7, SETPCAP = 8,
       NET_BIND_SERVICE = 10, NET_ADMIN = 12, NET_RAW = 13, SYS_CHROOT = 18, SYS_ADMIN = 21, SYS_NICE = 23 };
#define BIT(c) (1ull << (c))
static const unsigned long long named = BIT(CHOWN) | BIT(DAC_OVERRIDE) | BIT(DAC_READ_SEARCH) | BIT(FOWNER) | BIT(KILL)
    | BIT(SETGID) | BIT(SETUID) | BIT(SETPCAP) | BIT(NET_BIND_SERVICE) | BIT(NET_ADMIN) | BIT(NET_RAW) | BIT(SYS_CHROOT)
    | BIT(SYS_ADMIN) | BIT(SYS_NICE);

struct cap_header {
    unsigned version;
    int pid;
};
struct cap_data {
    unsigned effective, permitted, inheritable;
};
struct caps {
    unsigned long long effective, permitted, inheritable;
};

static struct caps get_caps(void)
{
    struct cap_header h = { 0x20080522, 0 };
    struct cap_data d[2];
    memset(d, 0, sizeof d);
    must(syscall(SYS_capget, &h, d) == 0, "capget");
    struct caps c = { d[0].effective | (unsigned long long)d[1].effective << 32,
                      d[0].permitted | (unsigned long long)d[1].permitted << 32,
                      d[0].inheritable | (unsigned long long)d[1].inheritable << 32 };
    return c;
}

static long set_caps(unsigned long long effective, unsigned long long permitted, unsigned long long inheritable)
{
    struct cap_header h = { 0x20080522, 0 };
    struct cap_data d[2] = { { (unsigned)effective, (unsigned)permitted, (unsigned)inheritable },
                             { (unsigned)(effective >> 32), (unsigned)(permitted >> 32), (unsigned)(inheritable >> 32) } };
    return syscall(SYS_capset, &h, d);
}

static void show(const char* when)
{
    struct caps c = get_caps();
    say("%s: effective %llx permitted %llx inheritable %llx", when, c.effective & named, c.permitted & named,
        c.inheritable & named);
}

/* The status file's lines agree with capget (the named bits). */
static void status_agrees(const char* when)
{
    FILE* f = fopen("/proc/self/status", "r");
    must(f != NULL, "/proc/self/status");
    char line[256];
    unsigned long long eff = ~0ull, prm = ~0ull, amb = ~0ull;
    int nnp = -1;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "CapEff: %llx", &eff);
        sscanf(line, "CapPrm: %llx", &prm);
        sscanf(line, "CapAmb: %llx", &amb);
        sscanf(line, "NoNewPrivs: %d", &nnp);
    }
    fclose(f);
    struct caps c = get_caps();
    say("%s: status CapEff %s, CapPrm %s, CapAmb %llx, NoNewPrivs %d", when, eff == c.effective ? "= capget" : "differs",
        prm == c.permitted ? "= capget" : "differs", amb & named, nnp);
}

static void finish_child(void)
{
    fflush(stdout);
    _exit(pt_failures ? 1 : 0);
}

static void run(const char* what, void (*child)(void))
{
    say("-- %s", what);
    pid_t pid = pt_fork();
    if (pid == 0) {
        child();
        finish_child();
    }
    expect_str(what, status_text(pt_wait(pid)), "exited 0");
}

/* dnsmasq's way down from root: keep NET_ADMIN and NET_RAW, then lose
 * SETUID too. */
static void drop_keeping_some(void)
{
    unsigned long long keep = BIT(NET_ADMIN) | BIT(NET_RAW) | BIT(SETUID);
    expect_outcome("setgid(65534)", setgid(65534), "ok");
    expect_outcome("capset(NET_ADMIN NET_RAW SETUID)", set_caps(keep, keep, 0), "ok");
    expect_long("PR_GET_KEEPCAPS before", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 0);
    expect_outcome("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "ok");
    expect_long("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 1);
    expect_outcome("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), "EINVAL");
    expect_outcome("setgid(0) without SETGID", setgid(0), "EPERM");
    expect_outcome("setuid(65534)", setuid(65534), "ok");
    show("after setuid, kept");
    expect_outcome("capset(NET_ADMIN NET_RAW)", set_caps(BIT(NET_ADMIN) | BIT(NET_RAW), BIT(NET_ADMIN) | BIT(NET_RAW), 0),
                   "ok");
    show("after dropping SETUID");
    status_agrees("after dropping SETUID");
    expect_outcome("capset(CHOWN): not permitted", set_caps(BIT(CHOWN), BIT(CHOWN), 0), "EPERM");
    expect_outcome("capset(effective beyond permitted)", set_caps(BIT(SETUID), BIT(NET_ADMIN), 0), "EPERM");
    expect_outcome("setuid(0): SETUID gone", setuid(0), "EPERM");
    expect_outcome("kill(1, 0): no CAP_KILL", kill(1, 0), "EPERM");
}

static void drop_without_keepcaps(void)
{
    expect_outcome("setuid(1000)", setuid(1000), "ok");
    show("after setuid");
    expect_outcome("capset(CHOWN)", set_caps(BIT(CHOWN), BIT(CHOWN), 0), "EPERM");
    expect_outcome("capset(nothing)", set_caps(0, 0, 0), "ok");
}

/* An effective uid that leaves 0 and comes back. */
static void effective_only(void)
{
    expect_outcome("seteuid(1000)", seteuid(1000), "ok");
    struct caps c = get_caps();
    say("effective uid 1000: effective %llx, permitted all named %s", c.effective & named,
        (c.permitted & named) == named ? "yes" : "no");
    expect_outcome("seteuid(0)", seteuid(0), "ok");
    c = get_caps();
    say("effective uid 0 again: effective = permitted %s", c.effective == c.permitted ? "yes" : "no");
    expect_outcome("capset(effective SETUID only)", set_caps(BIT(SETUID), c.permitted, 0), "ok");
    expect_outcome("setuid(0) with SETUID effective", setuid(0), "ok");
}

/* The file checks, with root's effective set cut down. */
static const char* secret;
static void file_overrides(void)
{
    struct caps c = get_caps();
    unsigned long long all = c.permitted;
    expect_outcome("open mode 000 as root", open(secret, O_RDONLY), "ok");
    expect_outcome("capset(no DAC_*)", set_caps(all & ~(BIT(DAC_OVERRIDE) | BIT(DAC_READ_SEARCH)), all, 0), "ok");
    expect_outcome("open mode 000 for reading", open(secret, O_RDONLY), "EACCES");
    expect_outcome("capset(DAC_READ_SEARCH, no DAC_OVERRIDE)", set_caps(all & ~BIT(DAC_OVERRIDE), all, 0), "ok");
    expect_outcome("open mode 000 for reading", open(secret, O_RDONLY), "ok");
    expect_outcome("open mode 000 for writing", open(secret, O_WRONLY), "EACCES");
    expect_outcome("capset(all)", set_caps(all, all, 0), "ok");
    expect_outcome("open mode 000 for writing", open(secret, O_WRONLY), "ok");
    expect_outcome("chmod as root", chmod(secret, 0), "ok");
    expect_outcome("chown to 1000", chown(secret, 1000, 1000), "ok");
    expect_outcome("capset(no FOWNER)", set_caps(all & ~BIT(FOWNER), all, 0), "ok");
    expect_outcome("chmod of 1000's file without FOWNER", chmod(secret, 0), "EPERM");
    expect_outcome("capset(no CHOWN)", set_caps(all & ~BIT(CHOWN), all, 0), "ok");
    expect_outcome("chown of 1000's file without CHOWN", chown(secret, 0, 0), "EPERM");
    expect_outcome("capset(all) again", set_caps(all, all, 0), "ok");
    expect_outcome("chown back", chown(secret, 0, 0), "ok");
}

static const char* self_path;
static void exec_report(void)
{
    char* args[] = { (char*)self_path, (char*)pt_bin, "report", NULL };
    fflush(stdout);
    execv(self_path, args);
    say("execv: %s", errno_name(errno));
    pt_failures++;
}

/* The bounding set limits what root's execve gets. */
static void bounding(void)
{
    expect_long("PR_CAPBSET_READ(NET_ADMIN)", prctl(PR_CAPBSET_READ, NET_ADMIN, 0, 0, 0), 1);
    expect_outcome("PR_CAPBSET_READ(99)", prctl(PR_CAPBSET_READ, 99, 0, 0, 0), "EINVAL");
    expect_outcome("PR_CAPBSET_DROP(NET_ADMIN)", prctl(PR_CAPBSET_DROP, NET_ADMIN, 0, 0, 0), "ok");
    expect_long("PR_CAPBSET_READ(NET_ADMIN) after", prctl(PR_CAPBSET_READ, NET_ADMIN, 0, 0, 0), 0);
    show("dropped from the bounding set, before execve");
    exec_report();
}

/* An ambient capability survives a non-root execve. */
static void ambient(void)
{
    struct caps c = get_caps();
    expect_outcome("PR_CAP_AMBIENT_RAISE without inheritable",
                   prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, NET_BIND_SERVICE, 0, 0), "EPERM");
    expect_outcome("capset(inheritable NET_BIND_SERVICE)", set_caps(c.effective, c.permitted, BIT(NET_BIND_SERVICE)),
                   "ok");
    expect_outcome("PR_CAP_AMBIENT_RAISE", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, NET_BIND_SERVICE, 0, 0), "ok");
    expect_long("PR_CAP_AMBIENT_IS_SET", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, NET_BIND_SERVICE, 0, 0), 1);
    expect_outcome("PR_CAP_AMBIENT bad op", prctl(PR_CAP_AMBIENT, 9, 0, 0, 0), "EINVAL");
    expect_outcome("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "ok");
    expect_outcome("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000), "ok");
    /* Leaving uid 0 clears the ambient set, keepcaps or not: raised again. */
    expect_long("PR_CAP_AMBIENT_IS_SET after setuid", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, NET_BIND_SERVICE, 0, 0),
                0);
    expect_outcome("PR_CAP_AMBIENT_RAISE again", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, NET_BIND_SERVICE, 0, 0),
                   "ok");
    show("uid 1000 with an ambient capability, before execve");
    exec_report();
}

static void no_new_privs(void)
{
    expect_long("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    expect_outcome("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0), "EINVAL");
    expect_outcome("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "ok");
    expect_long("PR_GET_NO_NEW_PRIVS after", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    status_agrees("no_new_privs");
}

int main(int argc, char** argv)
{
    pt_start("capabilities", argc, argv);
    if (argc > 2 && strcmp(argv[2], "report") == 0) {
        show("after execve");
        status_agrees("after execve");
        return 0;
    }
    self_path = bin_path("capabilities");
    struct caps c = get_caps();
    expect_yes("root holds every capability named here", (c.effective & named) == named && (c.permitted & named) == named);
    expect_long("root's inheritable set", c.inheritable & named, 0);
    run("dropping root, keeping some (dnsmasq)", drop_keeping_some);
    run("dropping root without keepcaps", drop_without_keepcaps);
    run("an effective uid leaving 0 and back", effective_only);
    secret = scratch_path("secret");
    write_file(secret, "x", 0);
    run("file checks with root's set cut down", file_overrides);
    run("the bounding set across execve", bounding);
    run("the ambient set across execve", ambient);
    run("no_new_privs", no_new_privs);
    const char* names[] = { "secret", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
