/* cputime: CPU-time accounting.
 *   - getrusage(RUSAGE_SELF) and times() count the CPU time a program
 *     spent computing, and not the time it slept; the CPU-time clocks
 *     (process, thread, another thread's and another process's through
 *     pthread_getcpuclockid and clock_getcpuclockid) agree with them;
 *   - a child's CPU time reaches wait4's rusage and, once it is reaped,
 *     RUSAGE_CHILDREN and times()'s children fields (not before);
 *   - ru_maxrss follows touched memory; a sleep is a voluntary switch;
 *   - ITIMER_PROF and ITIMER_VIRTUAL fire while the program computes and
 *     ITIMER_VIRTUAL not while it sleeps; getitimer reads what is left;
 *     a timer without interval fires once;
 *   - bad arguments: EINVAL.
 * The bounds are loose (a busy host slows everything, but CPU time and
 * its clocks slow together): only relations are printed. */
#include "proctest.h"
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/times.h>

static double seconds(clockid_t clock)
{
    struct timespec t;
    must(clock_gettime(clock, &t) == 0, "clock_gettime");
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static double rusage_cpu(int who)
{
    struct rusage r;
    must(getrusage(who, &r) == 0, "getrusage");
    return tv(r.ru_utime) + tv(r.ru_stime);
}

/* Computes until the calling thread's CPU clock has advanced by s seconds
 * (the clock is read between stretches of pure arithmetic, so most of the
 * time is the program's own). */
static volatile unsigned long sink;
static void burn(double s)
{
    double end = seconds(CLOCK_THREAD_CPUTIME_ID) + s;
    while (seconds(CLOCK_THREAD_CPUTIME_ID) < end)
        for (unsigned long i = 0; i < 200000; i++)
            sink = sink * 31 + i;
}

/* Computes until *count reaches want or max seconds of CPU time passed;
 * whether it did. (Bounds of CPU time, not of counts per second: a busy
 * host delays timers on Linux too.) */
static bool burn_until(volatile sig_atomic_t* count, int want, double max)
{
    double end = seconds(CLOCK_THREAD_CPUTIME_ID) + max;
    while (*count < want && seconds(CLOCK_THREAD_CPUTIME_ID) < end)
        for (unsigned long i = 0; i < 200000; i++)
            sink = sink * 31 + i;
    return *count >= want;
}

static void pause_for(double s)
{
    struct timespec t = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
    while (nanosleep(&t, &t) == -1 && errno == EINTR) { }
}

static volatile sig_atomic_t profs, vtalrms;
static void on_prof(int sig) { (void)sig; profs++; }
static void on_vtalrm(int sig) { (void)sig; vtalrms++; }

static sem_t burnt, done;
static void* burner(void* arg)
{
    (void)arg;
    burn(0.3);
    sem_post(&burnt);
    sem_wait(&done);
    return NULL;
}

int main(int argc, char** argv)
{
    pt_start("cputime", argc, argv);

    /* Computing counts; sleeping does not. */
    double before = rusage_cpu(RUSAGE_SELF);
    burn(0.3);
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    double after = tv(r.ru_utime) + tv(r.ru_stime);
    expect_yes("0.3 s of computing adds at least 0.25 s to getrusage's CPU time", after - before >= 0.25);
    expect_yes("most of it is user time", tv(r.ru_utime) >= 0.15);
    struct tms t;
    clock_t ticks0 = times(&t);
    long per_second = sysconf(_SC_CLK_TCK);
    double tms_cpu = (double)(t.tms_utime + t.tms_stime) / per_second;
    expect_yes("times() agrees with getrusage within 0.1 s", tms_cpu > after - 0.1 && tms_cpu < after + 0.1);
    double process0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    expect_yes("CLOCK_PROCESS_CPUTIME_ID agrees with getrusage", process0 >= after - 0.01 && process0 < after + 0.1);
    int nvcsw = (int)r.ru_nvcsw;
    pause_for(0.3);
    clock_t ticks1 = times(&t);
    expect_yes("times()'s clock advances over a 0.3 s sleep", (double)(ticks1 - ticks0) / per_second >= 0.25);
    expect_yes("a 0.3 s sleep adds less than 0.1 s of CPU time", seconds(CLOCK_PROCESS_CPUTIME_ID) - process0 < 0.1);
    getrusage(RUSAGE_SELF, &r);
    expect_yes("a sleep is a voluntary context switch", r.ru_nvcsw > nvcsw);

    /* Another thread's time: its own clock, and the process's. */
    sem_init(&burnt, 0, 0);
    sem_init(&done, 0, 0);
    double mine = seconds(CLOCK_THREAD_CPUTIME_ID), process = seconds(CLOCK_PROCESS_CPUTIME_ID);
    pthread_t thread;
    must(pthread_create(&thread, NULL, burner, NULL) == 0, "pthread_create");
    while (sem_wait(&burnt) == -1 && errno == EINTR) { }
    clockid_t its;
    expect_str("pthread_getcpuclockid", errno_name(pthread_getcpuclockid(thread, &its)), "0");
    expect_yes("the other thread's clock shows its 0.3 s", seconds(its) >= 0.25);
    expect_yes("this thread's clock did not count them", seconds(CLOCK_THREAD_CPUTIME_ID) - mine < 0.1);
    expect_yes("the process's clock did", seconds(CLOCK_PROCESS_CPUTIME_ID) - process >= 0.25);
    sem_post(&done);
    pthread_join(thread, NULL);
    double with_ended = rusage_cpu(RUSAGE_SELF);
    expect_yes("an ended thread's time stays in the process's", with_ended - process >= 0.25);

    /* A child's time: in wait4's rusage, then RUSAGE_CHILDREN. */
    pid_t pid = pt_fork();
    if (pid == 0) {
        burn(0.3);
        _exit(0);
    }
    clockid_t childs;
    expect_str("clock_getcpuclockid(child)", errno_name(clock_getcpuclockid(pid, &childs)), "0");
    struct timespec ts;
    expect_outcome("reading the child's clock", clock_gettime(childs, &ts), "ok");
    pause_for(0.05);
    expect_yes("RUSAGE_CHILDREN is empty before the child is reaped", rusage_cpu(RUSAGE_CHILDREN) < 0.05);
    int status;
    struct rusage child;
    pid_t got;
    while ((got = wait4(pid, &status, 0, &child)) == -1 && errno == EINTR) { }
    expect_yes("wait4 reaps the child", got == pid);
    expect_yes("wait4's rusage has the child's 0.3 s", tv(child.ru_utime) + tv(child.ru_stime) >= 0.25);
    expect_yes("RUSAGE_CHILDREN has them once it is reaped", rusage_cpu(RUSAGE_CHILDREN) >= 0.25);
    times(&t);
    expect_yes("so do times()'s children fields", (double)(t.tms_cutime + t.tms_cstime) / per_second >= 0.25);
    expect_yes("and not the parent's own", rusage_cpu(RUSAGE_SELF) - with_ended < 0.2);

    /* Peak resident memory follows what was touched. */
    size_t big = 16 << 20;
    char* p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(p != MAP_FAILED, "mmap");
    for (size_t i = 0; i < big; i += 4096)
        p[i] = 1;
    getrusage(RUSAGE_SELF, &r);
    /* (Linux's resident counts are per-CPU approximations: a margin.) */
    expect_yes("ru_maxrss counts 16 MiB touched", r.ru_maxrss >= 12 * 1024);
    munmap(p, big);

    /* ITIMER_PROF: SIGPROF every 50 ms of CPU time. */
    signal(SIGPROF, on_prof);
    struct itimerval every = { { 0, 50000 }, { 0, 50000 } }, none = { { 0, 0 }, { 0, 0 } }, left;
    expect_outcome("setitimer(ITIMER_PROF)", setitimer(ITIMER_PROF, &every, NULL), "ok");
    expect_outcome("getitimer(ITIMER_PROF)", getitimer(ITIMER_PROF, &left), "ok");
    /* (Linux rounds what is left up to its tick: 54 ms with HZ=250.) */
    expect_yes("it reads an interval of 50 ms and about 50 ms left",
               left.it_interval.tv_usec == 50000 && tv(left.it_value) <= 0.06 && tv(left.it_value) > 0);
    bool came = burn_until(&profs, 3, 5.0);
    expect_outcome("disarming it", setitimer(ITIMER_PROF, &none, &left), "ok");
    expect_yes("computing brings SIGPROF again and again", came);
    getitimer(ITIMER_PROF, &left);
    expect_yes("a disarmed timer reads zero", left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);

    /* ITIMER_VIRTUAL: program time only. */
    signal(SIGVTALRM, on_vtalrm);
    struct itimerval once = { { 0, 0 }, { 0, 100000 } };
    expect_outcome("setitimer(ITIMER_VIRTUAL)", setitimer(ITIMER_VIRTUAL, &once, NULL), "ok");
    pause_for(0.3);
    expect_yes("no SIGVTALRM while sleeping", vtalrms == 0);
    expect_yes("SIGVTALRM once computing went past it", burn_until(&vtalrms, 1, 5.0));
    burn(0.2);
    expect_yes("once only (no interval)", vtalrms == 1);

    expect_outcome("getrusage(42)", getrusage(42, &r), "EINVAL");
    expect_outcome("setitimer(7)", setitimer(7, &once, NULL), "EINVAL");
    return pt_finish();
}
