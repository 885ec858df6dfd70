/* sysv_shm: System V shared memory across fork, exec and exit.
 *   - shmget: IPC_PRIVATE and keys (IPC_CREAT|IPC_EXCL: EEXIST, a larger
 *     size: EINVAL, no such key: ENOENT), IPC_STAT of a new segment;
 *   - shmat/shmdt: the parent's and a child's stores are seen both ways;
 *     shm_nattch counts attachments (a fork's inherited one, a child's own,
 *     a munmap that splits one in two) and drops at shmdt, exit and execve;
 *     shm_lpid is the last process to attach or detach;
 *   - SHM_RDONLY (a store is SIGSEGV, mprotect adding PROT_WRITE EACCES),
 *     SHM_RND, SHM_REMAP, the address rules;
 *   - IPC_SET, IPC_RMID with attachments (SHM_DEST, the key is free, the
 *     segment lives until the last detach), IPC_INFO, SHM_INFO. */
#include "ipctest.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

static struct shmid_ds stat_of(int id)
{
    struct shmid_ds ds;
    memset(&ds, 0, sizeof ds);
    must(shmctl(id, IPC_STAT, &ds) == 0, "shmctl IPC_STAT");
    return ds;
}

static long nattch(int id) { return (long)stat_of(id).shm_nattch; }

/* After execve: tell the parent through fd argv[3], wait for its word on
 * argv[4], exit. */
static int after_exec(char** argv)
{
    int up = atoi(argv[3]), down = atoi(argv[4]);
    char c = 'e';
    if (write(up, &c, 1) != 1 || read(down, &c, 1) != 1)
        return 3;
    return 0;
}

static void basics(void)
{
    say("-- a private segment across fork");
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    must(id >= 0, "shmget");
    struct shmid_ds ds = stat_of(id);
    expect_long("shm_segsz", (long)ds.shm_segsz, 10000);
    expect_long("shm_nattch of a new segment", (long)ds.shm_nattch, 0);
    expect_yes("shm_cpid is the creator", ds.shm_cpid == getpid());
    expect_yes("owner and creator are the caller",
               ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid() && ds.shm_perm.gid == getegid());
    expect_octal("permission bits", ds.shm_perm.mode & 0777, 0600);
    expect_yes("shm_atime is 0 before any attach", ds.shm_atime == 0);

    char* p = shmat(id, NULL, 0);
    must(p != (void*)-1, "shmat");
    ds = stat_of(id);
    expect_long("shm_nattch after shmat", (long)ds.shm_nattch, 1);
    expect_yes("shm_lpid is the attacher, shm_atime is set", ds.shm_lpid == getpid() && ds.shm_atime != 0);
    expect_yes("a new segment reads as zeros", p[0] == 0 && p[9999] == 0);
    strcpy(p, "from the parent");

    int go[2], up[2];
    must(pipe(go) == 0 && pipe(up) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(go[1]);
        close(up[0]);
        int bad = 0;
        if (strcmp(p, "from the parent") != 0)
            bad |= 1;
        if (nattch(id) != 2) /* the inherited attachment counts */
            bad |= 2;
        char* q = shmat(id, NULL, 0); /* and one of its own */
        if (q == (void*)-1 || nattch(id) != 3)
            bad |= 4;
        strcpy(q + 5000, "from the child");
        if (shmdt(q) != 0 || nattch(id) != 2)
            bad |= 8;
        char c = 'c';
        if (write(up[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(100);
        _exit(bad);
    }
    close(go[0]);
    close(up[1]);
    char c;
    must(read(up[0], &c, 1) == 1, "read");
    expect_str("the child's store through its own attachment", p + 5000, "from the child");
    expect_yes("the child's shmdt is its last operation (shm_lpid)", stat_of(id).shm_lpid == pid);
    expect_long("shm_nattch while the child lives", nattch(id), 2);
    must(write(go[1], "g", 1) == 1, "write");
    expect_str("the child saw the parent's data and counted 2, 3, 2 (0 = all fine)", status_text(pt_wait(pid)), "exited 0");
    ds = stat_of(id);
    expect_long("shm_nattch after the child exits", (long)ds.shm_nattch, 1);
    expect_yes("the exit detached it (shm_lpid is the child, shm_dtime is set)", ds.shm_lpid == pid && ds.shm_dtime != 0);
    close(go[1]);
    close(up[0]);

    say("-- execve detaches");
    must(pipe(go) == 0 && pipe(up) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        char a3[16], a4[16];
        snprintf(a3, sizeof a3, "%d", up[1]);
        snprintf(a4, sizeof a4, "%d", go[0]);
        char* args[] = { (char*)bin_path("sysv_shm"), (char*)pt_bin, "--after-exec", a3, a4, NULL };
        execv(args[0], args);
        _exit(127);
    }
    must(read(up[0], &c, 1) == 1, "read");
    expect_long("shm_nattch while the child runs its new program", nattch(id), 1);
    must(write(go[1], "g", 1) == 1, "write");
    expect_str("the exec'd child", status_text(pt_wait(pid)), "exited 0");
    close(go[0]);
    close(go[1]);
    close(up[0]);
    close(up[1]);

    say("-- munmap splits, shmdt takes every piece");
    int id3 = shmget(IPC_PRIVATE, 3 * 4096, 0600);
    must(id3 >= 0, "shmget");
    char* t = shmat(id3, NULL, 0);
    must(t != (void*)-1, "shmat");
    must(munmap(t + 4096, 4096) == 0, "munmap");
    expect_long("shm_nattch after munmap of the middle page", nattch(id3), 2);
    expect_ipc("shmdt of the address", shmdt(t), "ok");
    expect_long("shm_nattch after shmdt", nattch(id3), 0);
    expect_ipc("shmdt again", shmdt(t), "EINVAL");
    must(shmctl(id3, IPC_RMID, NULL) == 0, "IPC_RMID");

    say("-- IPC_SET, IPC_RMID");
    memset(&ds, 0, sizeof ds);
    ds = stat_of(id);
    ds.shm_perm.mode = 0640;
    expect_ipc("IPC_SET mode 0640", shmctl(id, IPC_SET, &ds), "ok");
    expect_octal("the new permission bits", stat_of(id).shm_perm.mode & 0777, 0640);
    expect_ipc("IPC_RMID while attached", shmctl(id, IPC_RMID, NULL), "ok");
    ds = stat_of(id);
    expect_yes("SHM_DEST is set, the segment is still there", (ds.shm_perm.mode & SHM_DEST) && ds.shm_nattch == 1);
    strcpy(p, "still usable");
    pid = pt_fork();
    if (pid == 0)
        _exit(strcmp(p, "still usable") == 0 && nattch(id) == 2 ? 0 : 1);
    expect_str("a child still shares it (0 = yes)", status_text(pt_wait(pid)), "exited 0");
    expect_ipc("the last shmdt", shmdt(p), "ok");
    struct shmid_ds gone;
    expect_ipc("IPC_STAT after it: the segment is gone", shmctl(id, IPC_STAT, &gone), "EINVAL");
    expect_ipc("shmat of the removed id", (long)shmat(id, NULL, 0) == -1 ? -1 : 0, "EINVAL");
}

static void keys(void)
{
    say("-- keys");
    key_t key = fresh_key();
    key_t other = key ^ 0x40000000;
    int id = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
    expect_yes("shmget IPC_CREAT|IPC_EXCL of a new key", id >= 0);
    expect_ipc("again", shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600), "EEXIST");
    expect_yes("IPC_CREAT alone finds it", shmget(key, 8192, IPC_CREAT | 0600) == id);
    expect_yes("so does size 0 without flags", shmget(key, 0, 0) == id);
    expect_yes("and a smaller size", shmget(key, 100, 0) == id);
    expect_ipc("a larger size", shmget(key, 8193, 0), "EINVAL");
    expect_ipc("an unused key without IPC_CREAT", shmget(other, 4096, 0600), "ENOENT");
    expect_yes("IPC_STAT reports the key", stat_of(id).shm_perm.__key == key);
    pid_t pid = pt_fork();
    if (pid == 0) {
        /* An unrelated attach by key in the child. */
        int cid = shmget(key, 0, 0);
        char* q = cid < 0 ? (void*)-1 : shmat(cid, NULL, 0);
        if (q == (void*)-1)
            _exit(1);
        strcpy(q, "by key");
        _exit(0);
    }
    expect_str("a child attaches by key", status_text(pt_wait(pid)), "exited 0");
    char* p = shmat(id, NULL, SHM_RDONLY);
    must(p != (void*)-1, "shmat");
    expect_str("the parent reads what it wrote", p, "by key");
    must(shmdt(p) == 0, "shmdt");
    expect_ipc("IPC_RMID", shmctl(id, IPC_RMID, NULL), "ok");
    expect_ipc("the key after IPC_RMID", shmget(key, 0, 0), "ENOENT");
}

static void rules(void)
{
    say("-- attach rules");
    int id = shmget(IPC_PRIVATE, 4096, 0600);
    must(id >= 0, "shmget");
    expect_ipc("shmget IPC_PRIVATE of size 0", shmget(IPC_PRIVATE, 0, 0600), "EINVAL");
    int gone = shmget(IPC_PRIVATE, 4096, 0600);
    must(gone >= 0 && shmctl(gone, IPC_RMID, NULL) == 0, "shmget, IPC_RMID");
    expect_ipc("shmat of a removed segment's id", (long)shmat(gone, NULL, 0) == -1 ? -1 : 0, "EINVAL");
    expect_ipc("shmat of a negative id", (long)shmat(-1, NULL, 0) == -1 ? -1 : 0, "EINVAL");
    expect_ipc("shmdt of an address with no segment", shmdt((void*)0x10000), "EINVAL");
    expect_ipc("shmdt of an unaligned address", shmdt((void*)0x10001), "EINVAL");

    char* ro = shmat(id, NULL, SHM_RDONLY);
    must(ro != (void*)-1, "shmat SHM_RDONLY");
    expect_ipc("mprotect adding PROT_WRITE to a SHM_RDONLY attachment", mprotect(ro, 4096, PROT_READ | PROT_WRITE), "EACCES");
    pid_t pid = pt_fork();
    if (pid == 0) {
        no_core();
        ro[0] = 1;
        _exit(0);
    }
    expect_str("a store to it", status_text(pt_wait(pid)), "killed by SIGSEGV");

    /* A place that is free: reserve it, then give it back. */
    char* spot = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(spot != MAP_FAILED, "mmap");
    expect_ipc("shmat over a mapping without SHM_REMAP", (long)shmat(id, spot, 0) == -1 ? -1 : 0, "EINVAL");
    expect_yes("with SHM_REMAP it replaces it", shmat(id, spot, SHM_REMAP) == spot);
    spot[100] = 'x';
    expect_yes("both attachments show the same page", ro[100] == 'x');
    expect_ipc("an unaligned address", (long)shmat(id, spot + 4096 + 10, SHM_REMAP) == -1 ? -1 : 0, "EINVAL");
    expect_yes("SHM_RND rounds it down", shmat(id, spot + 4096 + 10, SHM_RND | SHM_REMAP) == spot + 4096);
    expect_ipc("SHM_REMAP without an address", (long)shmat(id, NULL, SHM_REMAP) == -1 ? -1 : 0, "EINVAL");
    expect_long("shm_nattch", nattch(id), 3);
    must(shmdt(ro) == 0 && shmdt(spot) == 0 && shmdt(spot + 4096) == 0, "shmdt");
    expect_long("shm_nattch after three shmdt", nattch(id), 0);

    say("-- IPC_INFO, SHM_INFO");
    struct shminfo info;
    expect_yes("IPC_INFO", shmctl(0, IPC_INFO, (struct shmid_ds*)&info) >= 0);
    expect_yes("shmmin is 1, shmmni is positive", info.shmmin == 1 && info.shmmni > 0);
    struct shm_info usage;
    expect_yes("SHM_INFO", shmctl(0, SHM_INFO, (struct shmid_ds*)&usage) >= 0);
    expect_yes("at least one segment in use", usage.used_ids >= 1);
    expect_ipc("an unknown command", shmctl(id, 999, NULL), "EINVAL");
    must(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
}

int main(int argc, char** argv)
{
    if (argc > 4 && strcmp(argv[2], "--after-exec") == 0)
        return after_exec(argv);
    pt_start("sysv_shm", argc, argv);
    basics();
    keys();
    rules();
    return pt_finish();
}
