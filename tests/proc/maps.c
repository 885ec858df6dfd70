/* maps: /proc/self/maps and /proc/PID/maps as proc(5) describes them, the
 * structure only (addresses, devices and inodes differ between kernels):
 * every line parses and names start at column 73, ranges are sorted and
 * disjoint; the program's text is an r-xp mapping of its own path at a
 * page offset, a local variable lies in [stack] (rw-p), there is a [vdso]
 * (r-xp), the break's pages are [heap], a file mapped at an offset shows
 * that offset and fstat's device and inode, MAP_SHARED memory is 's' and
 * PROT_NONE '---p'; a forked child's maps show its own [stack]; and
 * pthread_getattr_np (glibc reads the main thread's stack from this file)
 * gives a stack holding a local variable. */
#include "proctest.h"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

struct line {
    unsigned long start, end, offset, inode;
    char perms[5];
    unsigned major, minor;
    int name_column; /* where the name starts, -1 if none */
    char name[512];
};

static struct line lines[512];
static int count;
static int bad_lines, unpadded_names;

static void read_maps(const char *path)
{
    FILE *f = fopen(path, "r");
    char text[1024];
    count = bad_lines = unpadded_names = 0;
    if (!f) {
        say("open %s: %s", path, errno_name(errno));
        pt_failures++;
        return;
    }
    while (fgets(text, sizeof text, f) && count < (int)(sizeof lines / sizeof lines[0])) {
        struct line *l = &lines[count];
        int used = 0;
        text[strcspn(text, "\n")] = 0;
        if (sscanf(text, "%lx-%lx %4s %lx %x:%x %lu %n", &l->start, &l->end, l->perms, &l->offset, &l->major, &l->minor,
                   &l->inode, &used) != 7
            || strlen(l->perms) != 4 || l->start >= l->end) {
            bad_lines++;
            continue;
        }
        l->name_column = text[used] ? used : -1;
        snprintf(l->name, sizeof l->name, "%s", text + used);
        /* Shorter prefixes are padded so that names line up at 73. */
        if (l->name_column >= 0 && l->name_column != 73 && !(l->name_column > 73 && text[l->name_column - 2] != ' '))
            unpadded_names++;
        count++;
    }
    fclose(f);
}

static struct line *line_of(const void *p)
{
    unsigned long a = (unsigned long)p;
    for (int i = 0; i < count; i++)
        if (lines[i].start <= a && a < lines[i].end)
            return &lines[i];
    return NULL;
}

static struct line *named(const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcmp(lines[i].name, name) == 0)
            return &lines[i];
    return NULL;
}

static int sorted(void)
{
    for (int i = 1; i < count; i++)
        if (lines[i].start < lines[i - 1].end)
            return 0;
    return 1;
}

static const char *perms_of(const struct line *l) { return l ? l->perms : "(none)"; }

int main(int argc, char **argv)
{
    pt_start("maps", argc, argv);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;

    /* The break grown by a page (raw brk: musl's sbrk takes no increment). */
    unsigned long brk0 = (unsigned long)syscall(SYS_brk, 0);
    unsigned long brk1 = (unsigned long)syscall(SYS_brk, brk0 + 65536);
    char path[512];
    snprintf(path, sizeof path, "%s/maps", pt_bin);
    int fd = open(path, O_RDONLY);
    struct stat st, exe;
    must(fd >= 0 && fstat(fd, &st) == 0 && stat(self, &exe) == 0, "stat");
    char *file = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
    char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int local = 0;

    read_maps("/proc/self/maps");
    expect_yes("lines parse", count > 0 && bad_lines == 0);
    expect_yes("names start at column 73", unpadded_names == 0);
    expect_yes("sorted and disjoint", sorted());
    struct line *text = line_of((void *)main);
    expect_str("text rights", perms_of(text), "r-xp");
    expect_yes("text named by the program's path", text && strcmp(text->name, self) == 0);
    expect_yes("text offset a page multiple", text && text->offset % 4096 == 0);
    expect_yes("text device and inode as stat's", text && text->inode == exe.st_ino
                && text->major == major(exe.st_dev) && text->minor == minor(exe.st_dev));
    struct line *stack = line_of(&local);
    expect_str("local variable in", stack ? stack->name : "(none)", "[stack]");
    expect_str("stack rights", perms_of(stack), "rw-p");
    expect_str("vdso rights", perms_of(named("[vdso]")), "r-xp");
    struct line *heap = line_of((void *)(brk1 - 1));
    expect_yes("break grown", brk1 == brk0 + 65536);
    expect_str("break's last byte in", heap ? heap->name : "(none)", "[heap]");
    expect_str("heap rights", perms_of(heap), "rw-p");
    struct line *mapped = line_of(file);
    expect_yes("file mapping named by its path", mapped && strcmp(mapped->name, path) == 0);
    expect_str("file mapping rights", perms_of(mapped), "r--p");
    expect_long("file mapping offset", mapped ? (long)mapped->offset : -1, 4096);
    expect_yes("file mapping device and inode as fstat's", mapped && mapped->inode == st.st_ino
               && mapped->major == major(st.st_dev) && mapped->minor == minor(st.st_dev));
    expect_yes("file mapping starts the line", mapped && mapped->start == (unsigned long)file);
    struct line *s = line_of(shared);
    expect_str("MAP_SHARED rights", perms_of(s), "rw-s");
    struct line *guard = line_of(none);
    expect_str("PROT_NONE rights", perms_of(guard), "---p");
    expect_yes("anonymous memory has inode 0", guard && guard->inode == 0 && guard->major == 0);

    /* The main thread's stack as glibc finds it (from this file). */
    pthread_attr_t attr;
    void *base = NULL;
    size_t size = 0;
    int r = pthread_getattr_np(pthread_self(), &attr);
    if (r == 0)
        pthread_attr_getstack(&attr, &base, &size);
    expect_str("pthread_getattr_np", errno_name(r), "0");
    expect_yes("its stack holds a local", (char *)base <= (char *)&local && (char *)&local < (char *)base + size);

    /* Another process's maps, by pid. */
    int ready[2];
    if (pipe(ready) != 0)
        return 1;
    pid_t child = pt_fork();
    if (child == 0) {
        close(ready[0]);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1)
        return 1;
    char child_maps[64];
    snprintf(child_maps, sizeof child_maps, "/proc/%d/maps", (int)child);
    read_maps(child_maps);
    expect_yes("child's maps parse", count > 0 && bad_lines == 0);
    expect_yes("child's text named by the program's path", line_of((void *)main) && strcmp(line_of((void *)main)->name, self) == 0);
    expect_yes("child has a [stack]", named("[stack]") != NULL);
    kill(child, SIGKILL);
    int status;
    waitpid(child, &status, 0);
    return pt_finish();
}
