/* Process-shared POSIX semaphores in MAP_SHARED memory: parent and child
 * hand a token back and forth through two semaphores across fork, and a
 * child blocked in sem_wait is woken by the parent's sem_post. */
#include <semaphore.h>
#include <sys/mman.h>
#include "proctest.h"
#include "errnames.h"

enum { kRounds = 300 };

struct shared {
    sem_t to_child, to_parent;
    int log[2 * kRounds];
    int next;
};

int main(int argc, char** argv)
{
    pt_start("pshared_sem", argc, argv);
    struct shared* s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    must(s != MAP_FAILED, "mmap");
    expect_long("sem_init to_child", sem_init(&s->to_child, 1, 0), 0);
    expect_long("sem_init to_parent", sem_init(&s->to_parent, 1, 0), 0);

    pid_t child = pt_fork();
    if (child == 0) {
        for (int i = 0; i < kRounds; i++) {
            while (sem_wait(&s->to_child) == -1 && errno == EINTR) { }
            s->log[s->next++] = 1;
            sem_post(&s->to_parent);
        }
        _exit(0);
    }
    for (int i = 0; i < kRounds; i++) {
        s->log[s->next++] = 0;
        sem_post(&s->to_child);
        while (sem_wait(&s->to_parent) == -1 && errno == EINTR) { }
    }
    expect_str("child", status_text(pt_wait(child)), "exited 0");
    bool alternated = s->next == 2 * kRounds;
    for (int i = 0; i < s->next; i++)
        alternated = alternated && s->log[i] == (i & 1);
    expect_yes("strictly alternated", alternated);

    /* A timed wait in the child that the parent's post ends early. */
    child = pt_fork();
    if (child == 0) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 30;
        int r;
        while ((r = sem_timedwait(&s->to_child, &until)) == -1 && errno == EINTR) { }
        _exit(r == 0 ? 0 : 1);
    }
    sleep_ms(100);
    expect_long("sem_post", sem_post(&s->to_child), 0);
    expect_str("child woken by the post", status_text(pt_wait(child)), "exited 0");

    /* Nobody posts: the timed wait times out. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 50 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    expect_call("sem_timedwait with nobody posting", sem_timedwait(&s->to_parent, &until), "ETIMEDOUT");
    int value = -1;
    sem_getvalue(&s->to_parent, &value);
    expect_long("value", value, 0);
    return pt_finish();
}
