/* sysv_msg: System V message queues between a parent and its children.
 *   - msgget (IPC_PRIVATE, keys), IPC_STAT of a new and a used queue;
 *   - msgrcv's choice: type 0 (the first), > 0 (the first of that type),
 *     MSG_EXCEPT (the first of another), < 0 (the lowest type up to the
 *     bound); E2BIG leaves the message, MSG_NOERROR cuts it; ENOMSG;
 *   - a child blocked in msgrcv until its type arrives; a child blocked in
 *     msgsnd while the queue holds msg_qbytes (16384) until room is made;
 *     IPC_NOWAIT's EAGAIN; IPC_SET of msg_qbytes (lower, and back up to
 *     MSGMNB: past it takes CAP_SYS_RESOURCE, which a test host may lack);
 *   - IPC_RMID wakes a blocked receiver and a blocked sender with EIDRM;
 *   - a signal ends a blocked msgrcv and msgsnd with EINTR, even under
 *     SA_RESTART;
 *   - the argument rules: type < 1, size > MSGMAX, a bad id: EINVAL. */
#include "ipctest.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/time.h>

struct msg {
    long type;
    char text[8192];
};

static struct msqid_ds stat_of(int id)
{
    struct msqid_ds ds;
    memset(&ds, 0, sizeof ds);
    must(msgctl(id, IPC_STAT, &ds) == 0, "msgctl IPC_STAT");
    return ds;
}

static int send(int id, long type, const char* text, int flags)
{
    static struct msg m;
    m.type = type;
    size_t n = strlen(text);
    memcpy(m.text, text, n);
    return msgsnd(id, &m, n, flags);
}

/* msgrcv into a static message; returns "TYPE:TEXT" or the errno's name. */
static const char* receive(int id, size_t size, long type, int flags)
{
    static struct msg m;
    static char out[128];
    memset(&m, 0, sizeof m);
    ssize_t n = msgrcv(id, &m, size, type, flags);
    if (n < 0)
        return ipc_errno_name(errno);
    snprintf(out, sizeof out, "%ld:%.*s", m.type, (int)n, m.text);
    return out;
}

/* Waits (up to 10 s) for the child to be blocked: it has not exited after
 * a while, and the queue is as the test expects. */
static bool still_running(pid_t pid)
{
    sleep_ms(100);
    int status;
    return waitpid(pid, &status, WNOHANG) == 0;
}

static void choices(int id)
{
    say("-- which message msgrcv takes");
    struct msqid_ds ds = stat_of(id);
    expect_yes("a new queue: no messages, no bytes, msg_qbytes 16384",
               ds.msg_qnum == 0 && ds.msg_cbytes == 0 && ds.msg_qbytes == 16384);
    expect_yes("msg_stime, msg_rtime 0; msg_ctime set", ds.msg_stime == 0 && ds.msg_rtime == 0 && ds.msg_ctime != 0);
    expect_octal("permission bits", ds.msg_perm.mode & 0777, 0600);
    must(send(id, 2, "two", 0) == 0 && send(id, 1, "one-a", 0) == 0 && send(id, 3, "three", 0) == 0
             && send(id, 1, "one-b", 0) == 0 && send(id, 5, "five", 0) == 0,
         "msgsnd");
    ds = stat_of(id);
    expect_long("msg_qnum after five", (long)ds.msg_qnum, 5);
    expect_long("msg_cbytes", (long)ds.msg_cbytes, 3 + 5 + 5 + 5 + 4);
    expect_yes("msg_lspid is the sender, msg_stime set", ds.msg_lspid == getpid() && ds.msg_stime != 0);
    expect_str("type 1", receive(id, 100, 1, 0), "1:one-a");
    expect_str("type -2 (the lowest up to 2)", receive(id, 100, -2, 0), "1:one-b");
    expect_str("type 2, MSG_EXCEPT", receive(id, 100, 2, MSG_EXCEPT), "3:three");
    expect_str("type 0", receive(id, 100, 0, 0), "2:two");
    expect_str("type 4, IPC_NOWAIT", receive(id, 100, 4, IPC_NOWAIT), "ENOMSG");
    expect_str("type 5 into 2 bytes", receive(id, 2, 5, 0), "E2BIG");
    expect_long("it stays queued", (long)stat_of(id).msg_qnum, 1);
    expect_str("type 5 into 2 bytes, MSG_NOERROR", receive(id, 2, 5, MSG_NOERROR), "5:fi");
    ds = stat_of(id);
    expect_yes("empty again; msg_lrpid is the receiver", ds.msg_qnum == 0 && ds.msg_cbytes == 0 && ds.msg_lrpid == getpid());
    expect_str("an empty queue, IPC_NOWAIT", receive(id, 100, 0, IPC_NOWAIT), "ENOMSG");
    expect_str("type -1 with only a 3 queued", (send(id, 3, "x", 0), receive(id, 100, -1, IPC_NOWAIT)), "ENOMSG");
    expect_str("an empty message", (send(id, 9, "", 0), receive(id, 100, 9, 0)), "9:");
    expect_str("the 3 is still there", receive(id, 100, 0, 0), "3:x");

    static struct msg big;
    big.type = 8;
    for (int i = 0; i < 8192; i++)
        big.text[i] = (char)(i * 7);
    must(msgsnd(id, &big, 8192, 0) == 0, "msgsnd 8192");
    memset(&big, 0, sizeof big);
    expect_long("msgrcv of an 8192-byte message", (long)msgrcv(id, &big, 8192, 0, 0), 8192);
    bool same = big.type == 8;
    for (int i = 0; i < 8192; i++)
        same = same && big.text[i] == (char)(i * 7);
    expect_yes("its bytes", same);
}

static void rules(int id)
{
    say("-- argument rules");
    expect_ipc("msgsnd of type 0", send(id, 0, "x", 0), "EINVAL");
    expect_ipc("msgsnd of type -1", send(id, -1, "x", 0), "EINVAL");
    static struct msg m = { 1, "" };
    expect_ipc("msgsnd of 8193 bytes", msgsnd(id, &m, 8193, 0), "EINVAL");
    expect_ipc("msgsnd to a negative id", msgsnd(-1, &m, 1, 0), "EINVAL");
    expect_ipc("msgrcv of a negative size", msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT), "EINVAL");
    expect_ipc("msgctl of an unknown command", msgctl(id, 999, NULL), "EINVAL");
}

static void waiting(int id)
{
    say("-- a child waits to receive");
    pid_t pid = pt_fork();
    if (pid == 0) {
        const char* got = receive(id, 100, 7, 0);
        _exit(strcmp(got, "7:for the child") == 0 ? 0 : 1);
    }
    expect_yes("the child waits for type 7", still_running(pid));
    must(send(id, 6, "not this", 0) == 0, "msgsnd");
    expect_yes("a type 6 does not wake it for good", still_running(pid));
    must(send(id, 7, "for the child", 0) == 0, "msgsnd");
    expect_str("a type 7 does (0 = the right text)", status_text(pt_wait(pid)), "exited 0");
    struct msqid_ds ds = stat_of(id);
    expect_yes("the type 6 is left; msg_lrpid is the child", ds.msg_qnum == 1 && ds.msg_lrpid == pid);
    expect_str("take it", receive(id, 100, 0, 0), "6:not this");

    say("-- a child waits to send");
    static struct msg m;
    m.type = 1;
    must(msgsnd(id, &m, 8192, 0) == 0 && msgsnd(id, &m, 8192, 0) == 0, "msgsnd");
    expect_long("msg_cbytes of a full queue", (long)stat_of(id).msg_cbytes, 16384);
    expect_ipc("one more byte, IPC_NOWAIT", send(id, 2, "y", IPC_NOWAIT), "EAGAIN");
    pid = pt_fork();
    if (pid == 0)
        _exit(send(id, 2, "waited", 0) == 0 ? 0 : errno);
    expect_yes("a child's msgsnd waits", still_running(pid));
    expect_long("nothing was added", (long)stat_of(id).msg_qnum, 2);
    expect_long("msgrcv makes room", (long)msgrcv(id, &m, 8192, 1, 0), 8192);
    expect_str("the child's msgsnd is done", errno_of_status(pt_wait(pid)), "0");
    expect_str("its message is last", receive(id, 8192, -2, 0), "1:");
    expect_str("then the child's", receive(id, 100, 0, 0), "2:waited");

    say("-- msg_qbytes");
    struct msqid_ds ds2 = stat_of(id);
    ds2.msg_qbytes = 100;
    expect_ipc("IPC_SET msg_qbytes 100", msgctl(id, IPC_SET, &ds2), "ok");
    expect_long("msg_qbytes", (long)stat_of(id).msg_qbytes, 100);
    static struct msg h = { 1, "" };
    expect_ipc("101 bytes into an empty queue, IPC_NOWAIT", msgsnd(id, &h, 101, IPC_NOWAIT), "EAGAIN");
    expect_ipc("100 bytes", msgsnd(id, &h, 100, IPC_NOWAIT), "ok");
    ds2 = stat_of(id);
    ds2.msg_qbytes = 16384;
    expect_ipc("IPC_SET msg_qbytes back to 16384", msgctl(id, IPC_SET, &ds2), "ok");
    expect_ipc("8192 more", msgsnd(id, &m, 8192, IPC_NOWAIT), "ok");
    must(msgrcv(id, &m, 8192, 0, 0) == 100 && msgrcv(id, &m, 8192, 0, 0) == 8192, "msgrcv");
}

static void removal(void)
{
    say("-- IPC_RMID");
    int id = msgget(IPC_PRIVATE, 0600);
    must(id >= 0, "msgget");
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(msgrcv(id, &(struct msg){ 0, "" }, 10, 0, 0) < 0 ? errno : 0);
    expect_yes("a receiver waits", still_running(pid));
    expect_ipc("IPC_RMID", msgctl(id, IPC_RMID, NULL), "ok");
    expect_str("its msgrcv fails with", errno_of_status(pt_wait(pid)), "EIDRM");
    expect_ipc("msgsnd to the removed queue", send(id, 1, "x", IPC_NOWAIT), "EINVAL");

    id = msgget(IPC_PRIVATE, 0600);
    must(id >= 0, "msgget");
    static struct msg m = { 1, "" };
    must(msgsnd(id, &m, 8192, 0) == 0 && msgsnd(id, &m, 8192, 0) == 0, "msgsnd");
    pid = pt_fork();
    if (pid == 0)
        _exit(msgsnd(id, &m, 8192, 0) < 0 ? errno : 0);
    expect_yes("a sender waits", still_running(pid));
    expect_ipc("IPC_RMID", msgctl(id, IPC_RMID, NULL), "ok");
    expect_str("its msgsnd fails with", errno_of_status(pt_wait(pid)), "EIDRM");
}

static void keys(void)
{
    say("-- keys");
    key_t key = fresh_key();
    int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    expect_yes("msgget IPC_CREAT|IPC_EXCL of a new key", id >= 0);
    expect_ipc("again", msgget(key, IPC_CREAT | IPC_EXCL | 0600), "EEXIST");
    expect_yes("without flags it is found", msgget(key, 0) == id);
    expect_ipc("an unused key", msgget(key ^ 0x40000000, 0), "ENOENT");
    pid_t pid = pt_fork();
    if (pid == 0) {
        int cid = msgget(key, 0);
        _exit(cid >= 0 && send(cid, 4, "by key", 0) == 0 ? 0 : 1);
    }
    expect_str("a child sends by key", status_text(pt_wait(pid)), "exited 0");
    expect_str("the parent receives it", receive(id, 100, 0, IPC_NOWAIT), "4:by key");
    expect_yes("IPC_STAT reports the key", stat_of(id).msg_perm.__key == key);
    struct msginfo info;
    expect_yes("IPC_INFO", msgctl(0, IPC_INFO, (struct msqid_ds*)&info) >= 0);
    expect_yes("msgmax 8192, msgmnb 16384", info.msgmax == 8192 && info.msgmnb == 16384);
    expect_ipc("IPC_RMID", msgctl(id, IPC_RMID, NULL), "ok");
    expect_ipc("the key after IPC_RMID", msgget(key, 0), "ENOENT");
}

static void on_alarm(int sig) { (void)sig; }

static void alarm_in_100ms(void)
{
    struct itimerval t = { { 0, 0 }, { 0, 100000 } };
    must(setitimer(ITIMER_REAL, &t, NULL) == 0, "setitimer");
}

/* A handler with SA_RESTART runs while msgrcv or msgsnd waits: EINTR all
 * the same (signal(7): System V IPC calls are never restarted). */
static void interrupted(int id)
{
    say("-- interrupted");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    must(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
    static struct msg m;
    alarm_in_100ms();
    expect_ipc("a blocked msgrcv, SIGALRM handled", msgrcv(id, &m, 100, 0, 0), "EINTR");
    m.type = 1;
    must(msgsnd(id, &m, 8192, 0) == 0 && msgsnd(id, &m, 8192, 0) == 0, "msgsnd");
    alarm_in_100ms();
    expect_ipc("a blocked msgsnd, SIGALRM handled", msgsnd(id, &m, 1, 0), "EINTR");
    expect_long("nothing was added", (long)stat_of(id).msg_qnum, 2);
    must(msgrcv(id, &m, 8192, 0, 0) == 8192 && msgrcv(id, &m, 8192, 0, 0) == 8192, "msgrcv");
    signal(SIGALRM, SIG_DFL);
}

int main(int argc, char** argv)
{
    pt_start("sysv_msg", argc, argv);
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    must(id >= 0, "msgget");
    choices(id);
    rules(id);
    waiting(id);
    interrupted(id);
    must(msgctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
    removal();
    keys();
    return pt_finish();
}
