/* fork_threads: fork in a process with several threads. The child has
 * only the thread that called fork (the others' work stops in the child
 * while it goes on in the parent); forked from a second thread, that
 * thread becomes the child's main thread (its tid is the child's pid);
 * pthread_atfork handlers run; the child can start threads of its own
 * and allocate memory (others were allocating at the fork). */
#include "proctest.h"
#include <pthread.h>
#include <sys/syscall.h>

enum { spinners = 3 };
static volatile long progress[spinners];
static volatile int stop;
static int prepared, in_parent, in_child;

static void* spin(void* arg)
{
    long i = (long)arg;
    while (!stop) {
        progress[i]++;
        void* p = malloc(64 + (size_t)(progress[i] % 512));
        free(p);
        if (progress[i] % 1024 == 0)
            sched_yield();
    }
    return NULL;
}

static void* add_one(void* arg)
{
    *(int*)arg += 1;
    return NULL;
}

static void before(void) { prepared++; }
static void after_parent(void) { in_parent++; }
static void after_child(void) { in_child++; }

/* In the child: do the other threads still run? 1 if any made progress. */
static int others_ran(void)
{
    long seen[spinners];
    for (int i = 0; i < spinners; i++)
        seen[i] = progress[i];
    sleep_ms(200);
    for (int i = 0; i < spinners; i++)
        if (progress[i] != seen[i])
            return 1;
    return 0;
}

/* The checks of a forked child, as bits of its exit status. */
static int child_checks(void)
{
    int bad = others_ran();
    if (syscall(SYS_gettid) != getpid())
        bad |= 2;
    int n = 0;
    pthread_t t;
    if (pthread_create(&t, NULL, add_one, &n) != 0 || pthread_join(t, NULL) != 0 || n != 1)
        bad |= 4;
    void* p = malloc(100000);
    if (!p)
        bad |= 8;
    free(p);
    if (in_child != 1 || in_parent != prepared - 1) /* only the prepare and child handlers of this fork */
        bad |= 16;
    return bad;
}

static void* fork_here(void* arg)
{
    pid_t* out = arg;
    *out = pt_fork();
    if (*out == 0)
        _exit(child_checks());
    return NULL;
}

int main(int argc, char** argv)
{
    pt_start("fork_threads", argc, argv);
    pthread_atfork(before, after_parent, after_child);
    pthread_t threads[spinners];
    for (long i = 0; i < spinners; i++)
        must(pthread_create(&threads[i], NULL, spin, (void*)i) == 0, "pthread_create");
    for (int i = 0; i < spinners; i++)
        while (progress[i] == 0)
            sched_yield();

    say("-- fork from the main thread");
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(child_checks());
    int status = pt_wait(pid);
    expect_str("child (0 = only the forking thread, tid == pid, threads and malloc work, atfork ran)",
               status_text(status), "exited 0");
    expect_yes("atfork: prepare and parent handlers ran once in the parent", prepared == 1 && in_parent == 1 && in_child == 0);
    long seen = progress[0];
    sleep_ms(50);
    expect_yes("the parent's threads still run", progress[0] != seen);

    say("-- fork from another thread");
    pthread_t t;
    pid_t from_thread = 0;
    must(pthread_create(&t, NULL, fork_here, &from_thread) == 0, "pthread_create");
    pthread_join(t, NULL);
    status = pt_wait(from_thread);
    expect_str("child (0 = its only thread is the forking one, with tid == pid)", status_text(status), "exited 0");

    stop = 1;
    for (int i = 0; i < spinners; i++)
        pthread_join(threads[i], NULL);
    return pt_finish();
}
