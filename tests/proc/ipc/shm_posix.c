/* shm_posix: POSIX shared memory and MAP_SHARED file mappings across fork.
 *   - /dev/shm is a directory anyone may create in (mode 1777, tmpfs);
 *   - shm_open + ftruncate + mmap(MAP_SHARED): a child's stores are seen
 *     by the parent's mapping and by read(2); the parent's write(2) is seen
 *     by a child that opened and mapped the object itself; an offset
 *     mapping sees the right page;
 *   - ftruncate: growing reads zeros through the mapping, shrinking
 *     zero-fills the tail of the last page and a touch past the new end
 *     is SIGBUS; read(2) into such a page is EFAULT;
 *   - shm_unlink: the name goes, the mapping stays;
 *   - rights: PROT_WRITE of a read-only descriptor, and mprotect adding
 *     it later, are EACCES; MAP_SHARED read-only views work;
 *   - a regular file under $TMPDIR (or /tmp) mapped MAP_SHARED by two
 *     processes: stores, read(2) and write(2) agree both ways. */
#include "ipctest.h"
#include <sys/mman.h>

static char shm_name[64];

static void expect_text(const char* what, const char* got, const char* want)
{
    char g[64];
    snprintf(g, sizeof g, "%.*s", (int)strlen(want), got);
    expect_str(what, g, want);
}

static void child_sigbus_status(const char* what, volatile char* p)
{
    pid_t pid = pt_fork();
    if (pid == 0) {
        no_core();
        char c = *p;
        (void)c;
        _exit(0);
    }
    expect_str(what, status_text(pt_wait(pid)), "killed by SIGBUS");
}

static void dev_shm(void)
{
    say("-- /dev/shm");
    struct stat st;
    must(stat("/dev/shm", &st) == 0, "stat /dev/shm");
    expect_yes("/dev/shm is a directory", S_ISDIR(st.st_mode));
    char mode[16];
    snprintf(mode, sizeof mode, "%o", (unsigned)(st.st_mode & 07777));
    expect_str("its mode", mode, "1777");
}

static void posix_object(void)
{
    say("-- shm_open, ftruncate, mmap(MAP_SHARED) across fork");
    snprintf(shm_name, sizeof shm_name, "/husk-shm-posix-%d", (int)getpid());
    int fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
    must(fd >= 0, "shm_open");
    expect_outcome("shm_open O_CREAT|O_EXCL again", shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600), "EEXIST");
    struct stat st;
    must(fstat(fd, &st) == 0, "fstat");
    expect_long("a new object's size", (long)st.st_size, 0);
    must(ftruncate(fd, 3 * 4096) == 0, "ftruncate");
    must(fstat(fd, &st) == 0, "fstat");
    expect_long("its size after ftruncate", (long)st.st_size, 3 * 4096);
    char* map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    must(map != MAP_FAILED, "mmap");
    expect_yes("a fresh object reads as zeros", map[0] == 0 && map[4096] == 0 && map[3 * 4096 - 1] == 0);

    pid_t pid = pt_fork();
    if (pid == 0) {
        strcpy(map, "child wrote page 0");
        strcpy(map + 4096 + 10, "child wrote page 1");
        _exit(0);
    }
    pt_wait(pid);
    expect_text("the parent's mapping sees the child's store", map, "child wrote page 0");
    char buf[64] = { 0 };
    must(pread(fd, buf, 18, 4096 + 10) == 18, "pread");
    expect_text("read(2) sees the child's store", buf, "child wrote page 1");

    must(pwrite(fd, "parent wrote", 12, 2 * 4096 + 5) == 12, "pwrite");
    expect_text("the writer's own mapping sees its write(2)", map + 2 * 4096 + 5, "parent wrote");
    pid = pt_fork();
    if (pid == 0) {
        /* A mapping of its own, made after opening the name again. */
        int fd2 = shm_open(shm_name, O_RDWR, 0);
        if (fd2 < 0)
            _exit(10);
        char* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 2 * 4096);
        if (m == MAP_FAILED)
            _exit(11);
        if (memcmp(m + 5, "parent wrote", 12) != 0)
            _exit(12);
        memcpy(m + 100, "via offset", 10);
        _exit(0);
    }
    expect_str("a child maps page 2 at an offset, sees write(2) and stores (0 = all fine)",
               status_text(pt_wait(pid)), "exited 0");
    expect_text("its store is seen by the parent", map + 2 * 4096 + 100, "via offset");

    say("-- ftruncate with mappings");
    must(ftruncate(fd, 4096 + 12) == 0, "ftruncate shrinking");
    expect_text("bytes before the new end stay", map + 4096 + 10, "ch");
    expect_yes("the tail of the last page reads zeros through the mapping", map[4096 + 12] == 0 && map[4096 + 20] == 0);
    child_sigbus_status("a read past the new end (a whole page past it)", map + 2 * 4096);
    ssize_t r = read(open("/dev/zero", O_RDONLY | O_CLOEXEC), map + 2 * 4096, 16);
    expect_outcome("read(2) into a mapped page past the end", r, "EFAULT");
    must(ftruncate(fd, 3 * 4096) == 0, "ftruncate growing");
    expect_yes("the grown pages read zeros", map[2 * 4096 + 5] == 0 && map[2 * 4096 + 100] == 0);
    expect_yes("so does the old tail", map[4096 + 20] == 0);
    map[2 * 4096] = 'z';
    must(pread(fd, buf, 1, 2 * 4096) == 1, "pread");
    expect_long("a store to a grown page reaches the object", buf[0], 'z');

    say("-- rights");
    int ro = shm_open(shm_name, O_RDONLY, 0);
    must(ro >= 0, "shm_open O_RDONLY");
    expect_outcome("mmap PROT_WRITE MAP_SHARED of a read-only descriptor",
                   (long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == (long)MAP_FAILED ? -1 : 0,
                   "EACCES");
    char* view = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    must(view != MAP_FAILED, "mmap read-only");
    expect_text("a read-only view sees the data", view, "child wrote page 0");
    expect_outcome("mprotect adding PROT_WRITE to it", mprotect(view, 4096, PROT_READ | PROT_WRITE), "EACCES");
    char* priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    must(priv != MAP_FAILED, "mmap MAP_PRIVATE");
    priv[0] = 'P';
    expect_text("a MAP_PRIVATE store stays private", map, "child wrote page 0");
    close(ro);

    say("-- shm_unlink");
    expect_outcome("shm_unlink", shm_unlink(shm_name), "ok");
    expect_outcome("shm_open of the removed name", shm_open(shm_name, O_RDWR, 0), "ENOENT");
    pid = pt_fork();
    if (pid == 0) {
        strcpy(map + 200, "after unlink");
        _exit(0);
    }
    pt_wait(pid);
    expect_text("the mapping still shares after shm_unlink", map + 200, "after unlink");
    close(fd);
    munmap(map, 3 * 4096);
}

static void tmp_file(void)
{
    say("-- MAP_SHARED of a regular file in the temporary directory");
    const char* path = scratch_path("shared-file");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    must(fd >= 0, "open");
    must(write(fd, "written by write(2)", 19) == 19, "write");
    int go[2], back[2];
    must(pipe(go) == 0 && pipe(back) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        /* The child maps the file by name, on its own. */
        close(go[1]);
        close(back[0]);
        int cfd = open(path, O_RDWR);
        char* m = cfd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        int bad = 0;
        if (m == MAP_FAILED)
            _exit(20);
        if (memcmp(m, "written by write(2)", 19) != 0)
            bad |= 1;
        memcpy(m, "STORED", 6);
        char c = 'x';
        if (write(back[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(21);
        /* The parent has written with pwrite(2) meanwhile. */
        if (memcmp(m + 8, "PWRITE", 6) != 0)
            bad |= 2;
        _exit(bad);
    }
    close(go[0]);
    close(back[1]);
    char c, buf[32] = { 0 };
    must(read(back[0], &c, 1) == 1, "read");
    must(pread(fd, buf, 19, 0) == 19, "pread");
    expect_text("read(2) sees the child's stores", buf, "STOREDn by write(2)");
    char* m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    must(m != MAP_FAILED, "mmap");
    expect_text("so does the parent's own mapping", m, "STOREDn by write(2)");
    must(pwrite(fd, "PWRITE", 6, 8) == 6, "pwrite");
    must(write(go[1], "g", 1) == 1, "write");
    expect_str("the child sees the parent's pwrite(2) (0 = all fine)", status_text(pt_wait(pid)), "exited 0");
    struct stat st;
    must(fstat(fd, &st) == 0, "fstat");
    expect_long("stores inside the file do not change its size", (long)st.st_size, 19);
    close(go[1]);
    close(back[0]);
    munmap(m, 4096);
    close(fd);
    const char* names[] = { "shared-file", NULL };
    scratch_cleanup(names);
}

int main(int argc, char** argv)
{
    pt_start("shm_posix", argc, argv);
    dev_shm();
    posix_object();
    tmp_file();
    return pt_finish();
}
