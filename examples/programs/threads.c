/* threads: 8 POSIX threads share a counter under a mutex, an atomic
 * counter, and hand work over through a condition variable, each keeping a
 * floating-point sum of its own (SSE registers survive thread switches);
 * a spinning thread must be preempted for the main thread to go on. The
 * main thread joins them all and checks every sum. Built with -pthread. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

enum { kThreads = 8, kRounds = 20000 };

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static long g_locked_sum;
static atomic_long g_atomic_sum;
static int g_turn; /* which thread may take the next baton */
static int g_batons;
static int g_float_errors;
static atomic_int g_stop_spinning;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    volatile double step = id * 0.5;
    double acc = 0;
    for (int i = 0; i < kRounds; ++i) {
        pthread_mutex_lock(&g_lock);
        g_locked_sum += id;
        pthread_mutex_unlock(&g_lock);
        atomic_fetch_add(&g_atomic_sum, 1);
        acc += step;
    }
    if (acc != id * 0.5 * kRounds) {
        pthread_mutex_lock(&g_lock);
        ++g_float_errors;
        pthread_mutex_unlock(&g_lock);
    }
    /* A baton passes through the threads in id order. */
    pthread_mutex_lock(&g_lock);
    while (g_turn != id)
        pthread_cond_wait(&g_cond, &g_lock);
    ++g_batons;
    ++g_turn;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return (void *)(long)(id * 10);
}

static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop_spinning))
        ; /* never blocks: only preemption lets main run */
    return NULL;
}

int main(void)
{
    pthread_t spin;
    pthread_create(&spin, NULL, spinner, NULL);
    struct timespec nap = { 0, 20 * 1000 * 1000 };
    nanosleep(&nap, NULL);
    atomic_store(&g_stop_spinning, 1);
    pthread_join(spin, NULL);
    puts("threads: a spinning thread was preempted");

    pthread_t t[kThreads];
    for (long i = 0; i < kThreads; ++i)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
            puts("threads: pthread_create failed");
            return 1;
        }
    long results = 0;
    for (int i = 0; i < kThreads; ++i) {
        void *r;
        pthread_join(t[i], &r);
        results += (long)r;
    }
    long want_locked = (long)kRounds * (kThreads * (kThreads - 1) / 2);
    printf("threads: locked sum %ld (want %ld), atomic sum %ld (want %ld), batons %d, results %ld, float errors %d\n",
           g_locked_sum, want_locked, (long)g_atomic_sum, (long)kThreads * kRounds, g_batons, results, g_float_errors);
    int ok = g_locked_sum == want_locked && g_atomic_sum == (long)kThreads * kRounds && g_batons == kThreads
             && results == 10 * kThreads * (kThreads - 1) / 2 && g_float_errors == 0;
    puts(ok ? "threads: ok" : "threads: FAIL");
    return ok ? 0 : 1;
}
