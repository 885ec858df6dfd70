/* cow_fork: fork(2) shares memory copy-on-write. A 64 MiB malloc'd buffer
 * is filled, the process forks, and each side writes pages the other must
 * not see (also through read(2), mprotect, MADV_DONTNEED and munmap), while
 * a MAP_SHARED anonymous mapping is one memory for both, including a page
 * neither touched before the fork. Prints the same lines on Linux and under
 * husk run (static: gcc -static -O2); exit status 0, else the first failed
 * check's line number (and a line saying which). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define BUFFER_SIZE (64u << 20)
#define PAGES (BUFFER_SIZE / PAGE)

static const char *who = "parent";
static size_t pages = PAGES - 1; /* the page-aligned buffer's whole pages */

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("cow_fork: %s: FAIL line %d: ", who, __LINE__);          \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
            fflush(stdout);                                                 \
            exit(__LINE__ % 250 + 1);                                       \
        }                                                                   \
    } while (0)

static void say(const char *line)
{
    printf("cow_fork: %s: %s\n", who, line);
    fflush(stdout);
}

/* What a page holds, in its first and last words: who wrote it, when. */
static uint64_t pattern(size_t page, unsigned generation)
{
    return (uint64_t)page * 0x9e3779b97f4a7c15ull ^ ((uint64_t)generation << 56);
}

static void fill(char *buf, size_t page, unsigned generation)
{
    uint64_t v = pattern(page, generation);
    memcpy(buf + page * PAGE, &v, sizeof v);
    memcpy(buf + page * PAGE + PAGE - sizeof v, &v, sizeof v);
}

static int holds(const char *buf, size_t page, unsigned generation)
{
    uint64_t first, last, v = pattern(page, generation);
    memcpy(&first, buf + page * PAGE, sizeof first);
    memcpy(&last, buf + page * PAGE + PAGE - sizeof last, sizeof last);
    return first == v && last == v;
}

enum { BEFORE_FORK = 1, PARENT_AFTER = 2, CHILD_AFTER = 3, PARENT_LATER = 4 };

/* Pages each side changes after the fork. */
static int parent_page(size_t page) { return page % 16 == 8; }
static int child_page(size_t page) { return page % 16 == 0; }
#define PIPED_PAGE 3          /* the child read(2)s into it */
#define PROTECTED_PAGES 100   /* [100, 104): the child mprotects them */
#define DISCARDED_PAGE 200    /* the child discards it (MADV_DONTNEED) */
#define UNMAPPED_PAGE 1024    /* [1024, 1024+16): the child unmaps them */

static int child(char *buf, char *shared, int from_parent)
{
    who = "child";
    char go;
    CHECK(read(from_parent, &go, 1) == 1, "no word from the parent");
    /* Memory as it was at the fork, not as the parent wrote it since. */
    for (size_t page = 0; page < pages; ++page)
        CHECK(holds(buf, page, BEFORE_FORK), "page %zu changed since the fork", page);
    CHECK(strcmp(shared, "parent after fork") == 0, "shared page 0 holds \"%s\"", shared);
    say("sees the memory as it was at the fork and the parent's shared write");

    for (size_t page = 0; page < pages; ++page)
        if (child_page(page))
            fill(buf, page, CHILD_AFTER);
    /* A kernel copy into a copy-on-write page: read(2) from the pipe. */
    char *piped = buf + PIPED_PAGE * PAGE + 64;
    CHECK(read(from_parent, piped, 6) == 6 && memcmp(piped, "piped", 6) == 0, "read(2) into a shared page");
    /* mprotect read-only, then writable again: the first write copies. */
    char *protected = buf + PROTECTED_PAGES * PAGE;
    CHECK(mprotect(protected, 4 * PAGE, PROT_READ) == 0, "mprotect PROT_READ");
    CHECK(holds(buf, PROTECTED_PAGES + 1, BEFORE_FORK), "read-only page");
    CHECK(mprotect(protected, 4 * PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect PROT_READ|PROT_WRITE");
    for (size_t page = PROTECTED_PAGES; page < PROTECTED_PAGES + 4; ++page)
        fill(buf, page, CHILD_AFTER);
    CHECK(madvise(buf + DISCARDED_PAGE * PAGE, PAGE, MADV_DONTNEED) == 0, "madvise");
    CHECK(buf[DISCARDED_PAGE * PAGE] == 0, "a discarded private page does not read back as zeros");
    CHECK(munmap(buf + UNMAPPED_PAGE * PAGE, 16 * PAGE) == 0, "munmap");
    for (size_t page = 0; page < pages; ++page) {
        if (page == DISCARDED_PAGE || (page >= UNMAPPED_PAGE && page < UNMAPPED_PAGE + 16))
            continue;
        int mine = child_page(page) || (page >= PROTECTED_PAGES && page < PROTECTED_PAGES + 4);
        CHECK(holds(buf, page, mine ? CHILD_AFTER : BEFORE_FORK), "page %zu lost the child's writes", page);
    }
    say("sees its own writes");

    strcpy(shared, "child");
    strcpy(shared + PAGE, "child, on a page untouched before the fork");
    return 0;
}

int main(void)
{
    char *buf = malloc(BUFFER_SIZE);
    CHECK(buf, "malloc");
    buf = (char *)(((uintptr_t)buf + PAGE - 1) & ~(uintptr_t)(PAGE - 1)); /* whole pages only */
    char *shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS");
    for (size_t page = 0; page < pages; ++page)
        fill(buf, page, BEFORE_FORK);
    strcpy(shared, "parent before fork");
    say("filled 64 MiB");

    int to_child[2];
    CHECK(pipe(to_child) == 0, "pipe");
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
        close(to_child[1]);
        exit(child(buf, shared, to_child[0]));
    }
    close(to_child[0]);
    for (size_t page = 0; page < pages; ++page)
        if (parent_page(page))
            fill(buf, page, PARENT_AFTER);
    strcpy(shared, "parent after fork");
    CHECK(write(to_child[1], "g", 1) == 1 && write(to_child[1], "piped", 6) == 6, "write to the child");
    int status;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ended with status 0x%x", status);
    say("the child exited 0");

    for (size_t page = 0; page < pages; ++page)
        CHECK(holds(buf, page, parent_page(page) ? PARENT_AFTER : BEFORE_FORK),
              "page %zu shows a write of the child", page);
    CHECK(buf[PIPED_PAGE * PAGE + 64] != 'p', "the parent sees the child's read(2)");
    say("keeps its memory: none of the child's private writes show");
    CHECK(strcmp(shared, "child") == 0, "shared page 0 holds \"%s\"", shared);
    CHECK(strcmp(shared + PAGE, "child, on a page untouched before the fork") == 0, "shared page 1 holds \"%s\"",
          shared + PAGE);
    say("sees the child's shared writes");

    /* The child is gone: every page is the parent's alone again. */
    for (size_t page = 0; page < pages; ++page)
        fill(buf, page, PARENT_LATER);
    for (size_t page = 0; page < pages; ++page)
        CHECK(holds(buf, page, PARENT_LATER), "page %zu after the child's exit", page);
    say("writes every page after the child's exit");
    say("ok");
    return 0;
}
