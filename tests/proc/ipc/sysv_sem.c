/* sysv_sem: System V semaphores between a parent and its children.
 *   - semget (IPC_PRIVATE, keys, the count rules), IPC_STAT, IPC_SET;
 *   - SETVAL, GETVAL, SETALL, GETALL, GETPID (the last process to
 *     operate, a woken waiter included), ERANGE, EFBIG, E2BIG;
 *   - semop: all operations or none (IPC_NOWAIT: EAGAIN, nothing
 *     changed); a child blocked decrementing (GETNCNT), waiting for zero
 *     (GETZCNT), on two semaphores at once, until the parent's operation
 *     lets it go; semtimedop's timeout is EAGAIN;
 *   - SEM_UNDO: applied when the process exits (normally, killed by a
 *     fault, after an execve), not inherited by a fork's child, cleared by SETVAL;
 *   - IPC_RMID wakes a waiter with EIDRM;
 *   - a signal ends a blocked semop with EINTR, even under SA_RESTART. */
#include "ipctest.h"
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/time.h>

union semun {
    int val;
    struct semid_ds* buf;
    unsigned short* array;
    struct seminfo* __buf;
};

static int val(int id, int n) { return semctl(id, n, GETVAL); }
static void setval(int id, int n, int v)
{
    union semun a = { .val = v };
    must(semctl(id, n, SETVAL, a) == 0, "SETVAL");
}
static int op(int id, unsigned short n, short delta, short flags)
{
    struct sembuf b = { n, delta, flags };
    return semop(id, &b, 1);
}

/* Waits (up to 10 s) until GETNCNT or GETZCNT of semaphore n is `want`. */
static bool wait_count(int id, int n, int cmd, int want)
{
    for (int i = 0; i < 2000; i++) {
        if (semctl(id, n, cmd) == want)
            return true;
        sleep_ms(5);
    }
    return false;
}

/* After execve (argv: bin --after-exec ID UP DOWN): tell the parent, wait
 * for its word, exit: the SEM_UNDO adjustment made before execve goes now. */
static int after_exec(char** argv)
{
    int up = atoi(argv[4]), down = atoi(argv[5]);
    char c = 'e';
    if (write(up, &c, 1) != 1 || read(down, &c, 1) != 1)
        return 3;
    return 0;
}

static void values(int id)
{
    say("-- values");
    struct semid_ds ds;
    union semun a = { .buf = &ds };
    must(semctl(id, 0, IPC_STAT, a) == 0, "IPC_STAT");
    expect_long("sem_nsems", (long)ds.sem_nsems, 3);
    expect_yes("sem_otime is 0 before any semop, sem_ctime is set", ds.sem_otime == 0 && ds.sem_ctime != 0);
    expect_yes("owner, creator, permission bits",
               ds.sem_perm.uid == geteuid() && ds.sem_perm.cuid == geteuid() && (ds.sem_perm.mode & 0777) == 0600);
    unsigned short all[3] = { 9, 9, 9 };
    a.array = all;
    must(semctl(id, 0, GETALL, a) == 0, "GETALL");
    expect_yes("a new set is all zeros", all[0] == 0 && all[1] == 0 && all[2] == 0);
    setval(id, 0, 5);
    expect_long("GETVAL after SETVAL 5", val(id, 0), 5);
    expect_yes("GETPID is the caller after SETVAL", semctl(id, 0, GETPID) == getpid());
    unsigned short set[3] = { 1, 2, 3 };
    a.array = set;
    expect_ipc("SETALL 1 2 3", semctl(id, 0, SETALL, a), "ok");
    a.array = all;
    must(semctl(id, 0, GETALL, a) == 0, "GETALL");
    expect_yes("GETALL", all[0] == 1 && all[1] == 2 && all[2] == 3);
    a.val = 32768;
    expect_ipc("SETVAL 32768", semctl(id, 0, SETVAL, a), "ERANGE");
    a.val = -1;
    expect_ipc("SETVAL -1", semctl(id, 0, SETVAL, a), "ERANGE");
    set[1] = 40000;
    a.array = set;
    expect_ipc("SETALL with 40000", semctl(id, 0, SETALL, a), "ERANGE");
    expect_long("a failed SETALL changes nothing", val(id, 0), 1);
    expect_ipc("GETVAL of semaphore 3 of 3", semctl(id, 3, GETVAL), "EINVAL");
    expect_ipc("an unknown command", semctl(id, 0, 999), "EINVAL");
}

static void operations(int id)
{
    say("-- semop");
    struct sembuf two[2] = { { 0, -1, 0 }, { 1, -5, IPC_NOWAIT } };
    expect_ipc("-1 on #0 and -5 on #1 (2), IPC_NOWAIT", semop(id, two, 2), "EAGAIN");
    expect_yes("nothing changed", val(id, 0) == 1 && val(id, 1) == 2);
    two[1].sem_op = -2;
    expect_ipc("-1 on #0 and -2 on #1", semop(id, two, 2), "ok");
    expect_yes("both applied", val(id, 0) == 0 && val(id, 1) == 0);
    struct semid_ds ds;
    union semun a = { .buf = &ds };
    must(semctl(id, 0, IPC_STAT, a) == 0, "IPC_STAT");
    expect_yes("sem_otime is set", ds.sem_otime != 0);
    expect_ipc("wait for zero on a zero, IPC_NOWAIT", op(id, 0, 0, IPC_NOWAIT), "ok");
    expect_ipc("wait for zero on a three, IPC_NOWAIT", op(id, 2, 0, IPC_NOWAIT), "EAGAIN");
    setval(id, 2, 32767);
    expect_ipc("+1 on 32767", op(id, 2, 1, 0), "ERANGE");
    expect_ipc("semaphore 3 of 3", op(id, 3, 1, 0), "EFBIG");
    expect_ipc("no operations", semop(id, two, 0), "EINVAL");
    static struct sembuf many[501];
    expect_ipc("501 operations", semop(id, many, 501), "E2BIG");
    struct timespec t = { 0, 50 * 1000000 };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct sembuf dec = { 0, -1, 0 };
    expect_ipc("semtimedop -1 on a zero, 50 ms", semtimedop(id, &dec, 1, &t), "EAGAIN");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    expect_yes("it waited at least 50 ms", ms >= 49);
    t.tv_nsec = 1000000000;
    expect_ipc("semtimedop with tv_nsec 1e9", semtimedop(id, &dec, 1, &t), "EINVAL");
    setval(id, 2, 0);
}

static void blocking(int id)
{
    say("-- a child waits");
    setval(id, 0, 0);
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(op(id, 0, -1, 0) == 0 ? 0 : errno);
    expect_yes("GETNCNT of #0 becomes 1", wait_count(id, 0, GETNCNT, 1));
    expect_long("GETZCNT of #0", semctl(id, 0, GETZCNT), 0);
    expect_ipc("+1 on #0", op(id, 0, 1, 0), "ok");
    expect_str("the child's -1 is done", errno_of_status(pt_wait(pid)), "0");
    expect_yes("value 0, GETNCNT 0, GETPID the child", val(id, 0) == 0 && semctl(id, 0, GETNCNT) == 0 && semctl(id, 0, GETPID) == pid);

    setval(id, 1, 2);
    pid = pt_fork();
    if (pid == 0)
        _exit(op(id, 1, 0, 0) == 0 ? 0 : errno);
    expect_yes("a child waiting for zero: GETZCNT of #1 becomes 1", wait_count(id, 1, GETZCNT, 1));
    expect_ipc("-1 on #1", op(id, 1, -1, 0), "ok");
    sleep_ms(50);
    expect_long("still waiting at 1", semctl(id, 1, GETZCNT), 1);
    expect_ipc("-1 on #1 again", op(id, 1, -1, 0), "ok");
    expect_str("the child's wait for zero ends", errno_of_status(pt_wait(pid)), "0");

    /* Two semaphores at once: nothing happens until both can go. */
    setval(id, 0, 0);
    setval(id, 1, 0);
    pid = pt_fork();
    if (pid == 0) {
        struct sembuf both[2] = { { 0, -1, 0 }, { 1, -1, 0 } };
        _exit(semop(id, both, 2) == 0 ? 0 : errno);
    }
    expect_yes("a child blocked on #0 (GETNCNT)", wait_count(id, 0, GETNCNT, 1));
    expect_ipc("+1 on #0", op(id, 0, 1, 0), "ok");
    expect_yes("it now waits on #1, and #0 keeps its 1", wait_count(id, 1, GETNCNT, 1) && semctl(id, 0, GETNCNT) == 0 && val(id, 0) == 1);
    expect_ipc("+1 on #1", op(id, 1, 1, 0), "ok");
    expect_str("the child's two operations are done", errno_of_status(pt_wait(pid)), "0");
    expect_yes("both values are 0", val(id, 0) == 0 && val(id, 1) == 0);

    /* Three children take one each, in any order. */
    pid_t kids[3];
    for (int k = 0; k < 3; k++) {
        kids[k] = pt_fork();
        if (kids[k] == 0)
            _exit(op(id, 0, -1, 0) == 0 ? 0 : errno);
    }
    expect_yes("three children wait", wait_count(id, 0, GETNCNT, 3));
    expect_ipc("+3 on #0", op(id, 0, 3, 0), "ok");
    int done = 0;
    for (int k = 0; k < 3; k++)
        done += pt_wait(kids[k]) == 0;
    expect_long("children done", done, 3);
}

static void undo(int id)
{
    say("-- SEM_UNDO");
    setval(id, 2, 10);
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(op(id, 2, 3, SEM_UNDO) == 0 && op(id, 2, -1, SEM_UNDO) == 0 && val(id, 2) == 12 ? 0 : 1);
    expect_str("a child adds 3 and takes 1 with SEM_UNDO", status_text(pt_wait(pid)), "exited 0");
    expect_long("its exit undoes both", val(id, 2), 10);

    pid = pt_fork();
    if (pid == 0) {
        no_core();
        if (op(id, 2, -4, SEM_UNDO) == 0 && val(id, 2) == 6)
            *(volatile int*)0 = 1;
        _exit(1);
    }
    expect_str("a child takes 4 with SEM_UNDO, then faults", status_text(pt_wait(pid)), "killed by SIGSEGV");
    expect_long("its death gives them back", val(id, 2), 10);

    pid = pt_fork();
    if (pid == 0) {
        if (op(id, 2, 5, SEM_UNDO) != 0)
            _exit(1);
        pid_t g = fork();
        if (g == 0)
            _exit(0); /* the grandchild has no adjustment of its own */
        int status;
        waitpid(g, &status, 0);
        _exit(val(id, 2) == 15 ? 0 : 2);
    }
    expect_str("a grandchild's exit does not undo its parent's +5", status_text(pt_wait(pid)), "exited 0");
    expect_long("the child's exit does", val(id, 2), 10);

    int go[2], up[2];
    must(pipe(go) == 0 && pipe(up) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        if (op(id, 2, 7, SEM_UNDO) != 0)
            _exit(1);
        char ids[16], a4[16], a5[16];
        snprintf(ids, sizeof ids, "%d", id);
        snprintf(a4, sizeof a4, "%d", up[1]);
        snprintf(a5, sizeof a5, "%d", go[0]);
        char* args[] = { (char*)bin_path("sysv_sem"), (char*)pt_bin, "--after-exec", ids, a4, a5, NULL };
        execv(args[0], args);
        _exit(127);
    }
    char c;
    must(read(up[0], &c, 1) == 1, "read");
    expect_long("after the child's execve its +7 stays", val(id, 2), 17);
    must(write(go[1], "g", 1) == 1, "write");
    expect_str("the exec'd child", status_text(pt_wait(pid)), "exited 0");
    expect_long("its exit undoes it", val(id, 2), 10);

    pid = pt_fork();
    if (pid == 0) {
        close(go[0]);
        close(up[1]);
        if (op(id, 2, -2, SEM_UNDO) != 0)
            _exit(1);
        if (write(go[1], "d", 1) != 1 || read(up[0], &c, 1) != 1)
            _exit(2);
        _exit(0);
    }
    close(go[1]);
    close(up[0]);
    must(read(go[0], &c, 1) == 1, "read");
    setval(id, 2, 4);
    must(write(up[1], "g", 1) == 1, "write");
    expect_str("a child takes 2 with SEM_UNDO, then the parent's SETVAL 4", status_text(pt_wait(pid)), "exited 0");
    expect_long("SETVAL cleared the adjustment", val(id, 2), 4);
    close(go[0]);
    close(up[1]);

    pid = pt_fork();
    if (pid == 0) {
        /* +30000 with SEM_UNDO (adjustment -30000), -30000 without: a
         * further +3000 would make the adjustment -33000. */
        if (op(id, 2, 30000, SEM_UNDO) != 0 || op(id, 2, -30000, 0) != 0)
            _exit(1);
        _exit(op(id, 2, 3000, SEM_UNDO) == 0 ? 0 : errno);
    }
    expect_str("an adjustment past -32768", errno_of_status(pt_wait(pid)), "ERANGE");
    expect_long("the exit's -30000 on 4 stops at 0", val(id, 2), 0);
}

static void removal(void)
{
    say("-- IPC_RMID");
    int id = semget(IPC_PRIVATE, 1, 0600);
    must(id >= 0, "semget");
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(op(id, 0, -1, 0) == 0 ? 0 : errno);
    expect_yes("a child waits", wait_count(id, 0, GETNCNT, 1));
    expect_ipc("IPC_RMID", semctl(id, 0, IPC_RMID), "ok");
    expect_str("the waiter's semop fails with", errno_of_status(pt_wait(pid)), "EIDRM");
    expect_ipc("GETVAL of the removed set", semctl(id, 0, GETVAL), "EINVAL");
    expect_ipc("semop on it", op(id, 0, 1, 0), "EINVAL");
}

static void keys(void)
{
    say("-- keys and counts");
    key_t key = fresh_key();
    int id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0640);
    expect_yes("semget IPC_CREAT|IPC_EXCL of a new key", id >= 0);
    expect_ipc("again", semget(key, 2, IPC_CREAT | IPC_EXCL | 0640), "EEXIST");
    expect_yes("with count 0 or 2 it is found", semget(key, 0, 0) == id && semget(key, 2, 0) == id);
    expect_ipc("with count 3", semget(key, 3, 0), "EINVAL");
    expect_ipc("a new set of 0", semget(IPC_PRIVATE, 0, 0600), "EINVAL");
    expect_ipc("a new set of 32001", semget(IPC_PRIVATE, 32001, 0600), "EINVAL");
    expect_ipc("a negative count", semget(IPC_PRIVATE, -1, 0600), "EINVAL");
    struct semid_ds ds;
    union semun a = { .buf = &ds };
    must(semctl(id, 0, IPC_STAT, a) == 0, "IPC_STAT");
    expect_yes("IPC_STAT reports the key", ds.sem_perm.__key == key);
    ds.sem_perm.mode = 0600;
    expect_ipc("IPC_SET mode 0600", semctl(id, 0, IPC_SET, a), "ok");
    must(semctl(id, 0, IPC_STAT, a) == 0, "IPC_STAT");
    expect_octal("the new mode", ds.sem_perm.mode & 0777, 0600);
    struct seminfo info;
    a.__buf = &info;
    expect_yes("IPC_INFO", semctl(0, 0, IPC_INFO, a) >= 0);
    expect_long("semvmx", info.semvmx, 32767);
    expect_yes("SEM_INFO: sets in use", semctl(0, 0, SEM_INFO, a) >= 0 && info.semusz >= 1);
    expect_ipc("IPC_RMID", semctl(id, 0, IPC_RMID), "ok");
    expect_ipc("the key after IPC_RMID", semget(key, 0, 0), "ENOENT");
}

static void on_alarm(int sig) { (void)sig; }

/* A handler with SA_RESTART runs while semop waits: EINTR all the same
 * (signal(7): System V IPC calls are never restarted). */
static void interrupted(int id)
{
    say("-- interrupted");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    must(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
    setval(id, 0, 0);
    struct itimerval t = { { 0, 0 }, { 0, 100000 } };
    must(setitimer(ITIMER_REAL, &t, NULL) == 0, "setitimer");
    expect_ipc("a blocked decrement, SIGALRM handled", op(id, 0, -1, 0), "EINTR");
    expect_long("the value is unchanged", val(id, 0), 0);
    expect_long("no waiter is left (GETNCNT)", semctl(id, 0, GETNCNT), 0);
    signal(SIGALRM, SIG_DFL);
}

int main(int argc, char** argv)
{
    if (argc > 5 && strcmp(argv[2], "--after-exec") == 0)
        return after_exec(argv);
    pt_start("sysv_sem", argc, argv);
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    must(id >= 0, "semget");
    values(id);
    operations(id);
    blocking(id);
    undo(id);
    interrupted(id);
    must(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
    removal();
    keys();
    return pt_finish();
}
