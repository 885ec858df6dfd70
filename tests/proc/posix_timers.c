/* posix_timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete — SIGEV_SIGNAL's siginfo (SI_TIMER,
 * the timer's id, overrun, value), overruns counted while the signal is
 * blocked, SIGEV_NONE, the default event (SIGALRM with the id as value),
 * TIMER_ABSTIME on CLOCK_REALTIME and CLOCK_MONOTONIC, the old value,
 * SIGEV_THREAD_ID, libc's SIGEV_THREAD, the CPU-time clocks, ids, fork
 * (no timers in the child) and execve (timers deleted), and the errors.
 * Only relations of times are printed. */
#include "proctest.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

static struct itimerspec ms(long value_ms, long interval_ms)
{
    struct itimerspec t = { { interval_ms / 1000, (interval_ms % 1000) * 1000000 },
                            { value_ms / 1000, (value_ms % 1000) * 1000000 } };
    return t;
}

static long ms_of(struct timespec t) { return t.tv_sec * 1000 + t.tv_nsec / 1000000; }

/* Upper bounds on overruns come from the time that really passed: a busy
 * host can stretch a 200 ms sleep to seconds. */
static long monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ms_of(t);
}

/* The raw calls: the kernel's timer ids (int), no libc wrapping. */
static long k_create(clockid_t clock, void* sev, void* id) { return syscall(SYS_timer_create, clock, sev, id); }
static long k_settime(long id, int flags, const void* v, void* old) { return syscall(SYS_timer_settime, id, flags, v, old); }
static long k_gettime(long id, void* cur) { return syscall(SYS_timer_gettime, id, cur); }
static long k_delete(long id) { return syscall(SYS_timer_delete, id); }
static long k_overrun(long id) { return syscall(SYS_timer_getoverrun, id); }

/* The kernel's sigevent, for SIGEV_THREAD_ID (libcs differ in naming its tid). */
struct ksigevent {
    union sigval value;
    int signo;
    int notify;
    int tid;
    int pad[11];
};

static int new_timer(clockid_t clock, int notify, int sig, int value)
{
    struct ksigevent ev = { .notify = notify, .signo = sig };
    ev.value.sival_int = value;
    int id = -1;
    must(k_create(clock, &ev, &id) == 0, "timer_create");
    return id;
}

static sigset_t just(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

static int wait_signal(int sig, siginfo_t* si, long timeout_ms)
{
    sigset_t s = just(sig);
    struct timespec t = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000 };
    int r;
    while ((r = sigtimedwait(&s, si, &t)) == -1 && errno == EINTR) { }
    return r;
}

static void errors(void)
{
    int id;
    struct ksigevent ev = { .notify = SIGEV_SIGNAL, .signo = SIGUSR1 };
    expect_outcome("create, clock 10", k_create(10, &ev, &id), "EINVAL");
    expect_outcome("create, clock 99", k_create(99, &ev, &id), "EINVAL");
    expect_outcome("create, CLOCK_MONOTONIC_RAW", k_create(CLOCK_MONOTONIC_RAW, &ev, &id), "ENOTSUP");
    expect_outcome("create, CLOCK_REALTIME_COARSE", k_create(CLOCK_REALTIME_COARSE, &ev, &id), "ENOTSUP");
    expect_outcome("create, bad sigevent pointer", k_create(CLOCK_MONOTONIC, (void*)8, &id), "EFAULT");
    /* The id is taken before these are refused, as Linux does. */
    id = -1;
    expect_outcome("create", k_create(CLOCK_MONOTONIC, &ev, &id), "ok");
    expect_long("first id", id, 0);
    struct ksigevent bad = ev;
    bad.notify = 99;
    expect_outcome("create, notify 99", k_create(CLOCK_MONOTONIC, &bad, &id), "EINVAL");
    bad = ev;
    bad.signo = 0;
    expect_outcome("create, signal 0", k_create(CLOCK_MONOTONIC, &bad, &id), "EINVAL");
    bad.signo = 65;
    expect_outcome("create, signal 65", k_create(CLOCK_MONOTONIC, &bad, &id), "EINVAL");
    bad = ev;
    bad.notify = SIGEV_THREAD_ID;
    bad.tid = 0x3fffffff;
    expect_outcome("create, SIGEV_THREAD_ID of no thread", k_create(CLOCK_MONOTONIC, &bad, &id), "EINVAL");
    expect_outcome("create, bad id pointer", k_create(CLOCK_MONOTONIC, &ev, (void*)8), "EFAULT");
    bad.signo = 0;
    bad.notify = SIGEV_NONE;
    expect_outcome("create, SIGEV_NONE ignores the signal", k_create(CLOCK_MONOTONIC, &bad, &id), "ok");
    expect_long("its id (ids were taken by the refused calls)", id, 6);
    expect_outcome("delete it", k_delete(id), "ok");

    struct itimerspec t = ms(1000, 0), cur;
    expect_outcome("settime, no such timer", k_settime(12345, 0, &t, NULL), "EINVAL");
    expect_outcome("settime, NULL value", k_settime(0, 0, NULL, NULL), "EINVAL");
    expect_outcome("settime, bad value pointer", k_settime(0, 0, (void*)8, NULL), "EFAULT");
    t.it_value.tv_nsec = 1000000000;
    expect_outcome("settime, tv_nsec 1e9", k_settime(0, 0, &t, NULL), "EINVAL");
    t = ms(1000, 0);
    t.it_interval.tv_sec = -1;
    expect_outcome("settime, negative interval", k_settime(0, 0, &t, NULL), "EINVAL");
    t = ms(1000, 0);
    expect_outcome("settime, unknown flags are ignored", k_settime(0, 0x100, &t, NULL), "ok");
    expect_outcome("settime, bad old pointer", k_settime(0, 0, &t, (void*)8), "EFAULT");
    expect_outcome("gettime, no such timer", k_gettime(12345, &cur), "EINVAL");
    expect_outcome("gettime, bad pointer", k_gettime(0, (void*)8), "EFAULT");
    expect_outcome("getoverrun, no such timer", k_overrun(12345), "EINVAL");
    expect_outcome("getoverrun, negative id", k_overrun(-1), "EINVAL");
    expect_outcome("delete", k_delete(0), "ok");
    expect_outcome("delete again", k_delete(0), "EINVAL");
    expect_outcome("gettime of a deleted timer", k_gettime(0, &cur), "EINVAL");
    clockid_t nobody = (clockid_t)((~4194303u << 3) | 2); /* pid 4194303 (none): its CPU clock */
    expect_outcome("create, CPU clock of no process", k_create(nobody, &ev, &id), "EINVAL");
    id = -1;
    expect_outcome("create after deletes", k_create(CLOCK_MONOTONIC, &ev, &id), "ok");
    expect_long("ids are not reused", id, 8);
    k_delete(id);
}

static void signal_timers(void)
{
    siginfo_t si;
    sigset_t usr1 = just(SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    int id = new_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 42);
    struct itimerspec t = ms(20, 0), cur;
    expect_outcome("one-shot 20 ms", k_settime(id, 0, &t, NULL), "ok");
    expect_outcome("gettime", k_gettime(id, &cur), "ok");
    expect_yes("remaining within 20 ms", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000);
    expect_str("signal", signal_name(wait_signal(SIGUSR1, &si, 2000)), "SIGUSR1");
    expect_yes("si_code SI_TIMER", si.si_code == SI_TIMER);
    expect_yes("si_timerid is the id", si.si_timerid == id);
    expect_long("si_overrun", si.si_overrun, 0);
    expect_long("si_value", si.si_value.sival_int, 42);
    expect_outcome("gettime after", k_gettime(id, &cur), "ok");
    expect_yes("disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 && cur.it_interval.tv_nsec == 0);
    expect_long("getoverrun", k_overrun(id), 0);
    sigset_t pending;
    sigpending(&pending);
    expect_yes("not pending after delivery", !sigismember(&pending, SIGUSR1));

    /* Periodic, blocked: one signal, the rest counted as its overrun. */
    t = ms(10, 10);
    long armed = monotonic_ms();
    expect_outcome("periodic 10 ms", k_settime(id, 0, &t, NULL), "ok");
    sleep_ms(200);
    sigpending(&pending);
    expect_yes("pending", sigismember(&pending, SIGUSR1));
    expect_outcome("gettime while pending", k_gettime(id, &cur), "ok");
    expect_yes("remaining at most the interval", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 10000000);
    expect_yes("interval", cur.it_interval.tv_nsec == 10000000);
    expect_long("getoverrun before delivery", k_overrun(id), 0);
    /* Delivery re-arms the timer from then: the next signal's overrun is
     * bounded by the time since just before the first was taken (not since
     * after, which a busy host can put well past the delivery). */
    long before_first = monotonic_ms();
    expect_str("signal", signal_name(wait_signal(SIGUSR1, &si, 2000)), "SIGUSR1");
    int first = si.si_overrun;
    long first_at = monotonic_ms();
    expect_yes("overrun counted (>= 10)", first >= 10);
    expect_yes("not more than the intervals passed", first <= (first_at - armed) / 10 + 1);
    expect_yes("getoverrun is si_overrun", k_overrun(id) == first);
    /* (Whether it is pending right after is a race with the next period,
     * on Linux too: the one-shot case above checks that delivery takes it.) */
    expect_str("next signal", signal_name(wait_signal(SIGUSR1, &si, 2000)), "SIGUSR1");
    expect_yes("overrun: the intervals since the first delivery", si.si_overrun <= (monotonic_ms() - before_first) / 10 + 1);
    expect_yes("getoverrun follows", k_overrun(id) == si.si_overrun);
    struct itimerspec old;
    t = ms(0, 0);
    expect_outcome("disarm, old value", k_settime(id, 0, &t, &old), "ok");
    expect_yes("old interval 10 ms", old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 10000000);
    expect_yes("old value within 10 ms", old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 10000000);
    expect_long("getoverrun reset by settime", k_overrun(id), 0);
    /* A signal taken after a re-set is the new setting's, or dropped. */
    (void)wait_signal(SIGUSR1, &si, 0);

    t = ms(10000, 2000);
    expect_outcome("10 s, interval 2 s", k_settime(id, 0, &t, NULL), "ok");
    t = ms(5000, 0);
    expect_outcome("re-set to 5 s", k_settime(id, 0, &t, &old), "ok");
    expect_yes("old value 9-10 s", ms_of(old.it_value) > 9000 && ms_of(old.it_value) <= 10000);
    expect_yes("old interval 2 s", ms_of(old.it_interval) == 2000);
    expect_outcome("gettime", k_gettime(id, &cur), "ok");
    expect_yes("value 4-5 s, no interval", ms_of(cur.it_value) > 4000 && ms_of(cur.it_value) <= 5000 && ms_of(cur.it_interval) == 0);
    expect_outcome("delete", k_delete(id), "ok");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

static volatile sig_atomic_t handled, handled_code, handled_value;
static void on_usr2(int sig, siginfo_t* si, void* ctx)
{
    (void)sig, (void)ctx;
    handled++;
    handled_code = si->si_code;
    handled_value = si->si_value.sival_int;
}

static void handler_and_defaults(void)
{
    /* A handler runs with the timer's siginfo. */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    int id = new_timer(CLOCK_BOOTTIME, SIGEV_SIGNAL, SIGUSR2, 7);
    struct itimerspec t = ms(10, 10);
    k_settime(id, 0, &t, NULL);
    for (int i = 0; i < 400 && handled < 3; i++)
        sleep_ms(5);
    t = ms(0, 0);
    k_settime(id, 0, &t, NULL);
    expect_yes("handler ran 3 times", handled >= 3);
    expect_yes("handler's si_code SI_TIMER", handled_code == SI_TIMER);
    expect_long("handler's si_value", handled_value, 7);
    k_delete(id);
    signal(SIGUSR2, SIG_DFL);

    /* No sigevent: SIGALRM, the id as value. */
    sigset_t alrm = just(SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    int kid = -1;
    must(k_create(CLOCK_MONOTONIC, NULL, &kid) == 0, "timer_create NULL");
    t = ms(10, 0);
    k_settime(kid, 0, &t, NULL);
    siginfo_t si;
    expect_str("default event's signal", signal_name(wait_signal(SIGALRM, &si, 2000)), "SIGALRM");
    expect_yes("its value is the id", si.si_value.sival_int == kid && si.si_timerid == kid);
    k_delete(kid);

    /* SIGEV_NONE: nothing is sent, gettime counts down. */
    int none = new_timer(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
    t = ms(10000, 0);
    k_settime(none, 0, &t, NULL);
    struct itimerspec cur;
    k_gettime(none, &cur);
    expect_yes("SIGEV_NONE: 9-10 s left", ms_of(cur.it_value) > 9000 && ms_of(cur.it_value) <= 10000);
    t = ms(10, 0);
    k_settime(none, 0, &t, NULL);
    sleep_ms(30);
    k_gettime(none, &cur);
    expect_yes("SIGEV_NONE one-shot expired: 0", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    t = ms(10, 10);
    k_settime(none, 0, &t, NULL);
    sleep_ms(35);
    k_gettime(none, &cur);
    expect_yes("SIGEV_NONE periodic: within the interval", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 10000000);
    sigset_t pending;
    sigpending(&pending);
    expect_yes("nothing pending", !sigismember(&pending, SIGALRM));
    k_delete(none);

    /* TIMER_ABSTIME. */
    int rt = new_timer(CLOCK_REALTIME, SIGEV_SIGNAL, SIGALRM, 1);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    t = ms(0, 0);
    t.it_value = now;
    t.it_value.tv_nsec += 30000000;
    if (t.it_value.tv_nsec >= 1000000000) {
        t.it_value.tv_sec++;
        t.it_value.tv_nsec -= 1000000000;
    }
    expect_outcome("CLOCK_REALTIME, absolute", k_settime(rt, TIMER_ABSTIME, &t, NULL), "ok");
    k_gettime(rt, &cur);
    expect_yes("remaining within 30 ms", ms_of(cur.it_value) <= 30);
    expect_str("absolute expiry", signal_name(wait_signal(SIGALRM, &si, 2000)), "SIGALRM");
    int mono = new_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGALRM, 2);
    t = ms(0, 0);
    t.it_value.tv_nsec = 1; /* long past */
    expect_outcome("CLOCK_MONOTONIC, absolute in the past", k_settime(mono, TIMER_ABSTIME, &t, NULL), "ok");
    expect_str("expires at once", signal_name(wait_signal(SIGALRM, &si, 2000)), "SIGALRM");
    expect_long("value", si.si_value.sival_int, 2);
    k_delete(rt);
    k_delete(mono);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
}

/* A timer's standard signal queues beside the same signal already
 * pending from kill (its entry is its own), and keeps the timer going. */
static void beside_a_pending_signal(void)
{
    sigset_t alrm = just(SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    kill(getpid(), SIGALRM);
    int id = new_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGALRM, 9);
    /* A long period, so that "nothing more now" does not race the next one. */
    struct itimerspec t = ms(10, 2000);
    k_settime(id, 0, &t, NULL);
    sleep_ms(50);
    siginfo_t si;
    expect_long("kill's SIGALRM first", wait_signal(SIGALRM, &si, 0), SIGALRM);
    expect_yes("SI_USER", si.si_code == SI_USER);
    expect_long("then the timer's", wait_signal(SIGALRM, &si, 0), SIGALRM);
    expect_yes("SI_TIMER", si.si_code == SI_TIMER && si.si_value.sival_int == 9);
    expect_outcome("nothing more now", wait_signal(SIGALRM, &si, 0), "EAGAIN");
    expect_long("the timer goes on", wait_signal(SIGALRM, &si, 10000), SIGALRM);
    k_delete(id);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
}

/* SIGEV_THREAD_ID: the signal goes to that thread. */
static volatile int target_tid, got_tid, got_sig;
static sem_t ready;
static void* target_thread(void* arg)
{
    (void)arg;
    target_tid = (int)syscall(SYS_gettid);
    sem_post(&ready);
    siginfo_t si;
    int s = wait_signal(SIGRTMIN + 1, &si, 3000);
    got_sig = s;
    got_tid = (int)syscall(SYS_gettid);
    return NULL;
}

static void thread_id(void)
{
    sigset_t rt = just(SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    sem_init(&ready, 0, 0);
    pthread_t th;
    must(pthread_create(&th, NULL, target_thread, NULL) == 0, "pthread_create");
    sem_wait(&ready);
    struct ksigevent ev = { .notify = SIGEV_THREAD_ID, .signo = SIGRTMIN + 1, .tid = target_tid };
    int id = -1;
    expect_outcome("SIGEV_THREAD_ID", k_create(CLOCK_MONOTONIC, &ev, &id), "ok");
    struct itimerspec t = ms(20, 0);
    k_settime(id, 0, &t, NULL);
    pthread_join(th, NULL);
    expect_yes("the thread got SIGRTMIN+1", got_sig == SIGRTMIN + 1);
    expect_yes("that thread", got_tid == target_tid);
    sigset_t pending;
    sigpending(&pending);
    expect_yes("nothing left for the process", !sigismember(&pending, SIGRTMIN + 1));
    k_delete(id);
    sigprocmask(SIG_UNBLOCK, &rt, NULL);
}

/* libc's SIGEV_THREAD: glibc's helper thread and musl's per-timer thread
 * take the kernel's SIGEV_THREAD_ID signal and run the function. */
static sem_t notified;
static volatile int notify_value, notify_count, notify_other_thread;
static pthread_t main_thread;
static void notify(union sigval v)
{
    notify_value = v.sival_int;
    notify_other_thread = !pthread_equal(pthread_self(), main_thread);
    notify_count++;
    sem_post(&notified);
}

static int sem_wait_ms(sem_t* s, long ms_)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms_ / 1000;
    t.tv_nsec += (ms_ % 1000) * 1000000;
    if (t.tv_nsec >= 1000000000) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000;
    }
    int r;
    while ((r = sem_timedwait(s, &t)) == -1 && errno == EINTR) { }
    return r;
}

static void sigev_thread(void)
{
    main_thread = pthread_self();
    sem_init(&notified, 0, 0);
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = notify;
    ev.sigev_value.sival_int = 99;
    timer_t timer;
    expect_outcome("timer_create SIGEV_THREAD", timer_create(CLOCK_MONOTONIC, &ev, &timer), "ok");
    struct itimerspec t = ms(20, 0);
    expect_outcome("timer_settime", timer_settime(timer, 0, &t, NULL), "ok");
    expect_outcome("notified", sem_wait_ms(&notified, 3000), "ok");
    expect_long("notify's value", notify_value, 99);
    expect_yes("in another thread", notify_other_thread);
    t = ms(10, 10);
    timer_settime(timer, 0, &t, NULL);
    int ok = 1;
    for (int i = 0; i < 3; i++)
        ok &= sem_wait_ms(&notified, 3000) == 0;
    expect_yes("periodic: notified 3 more times", ok);
    expect_outcome("timer_delete", timer_delete(timer), "ok");
}

/* signalfd reads the timer's signal: ssi_tid, ssi_overrun, ssi_int. */
static void through_signalfd(void)
{
    sigset_t usr2 = just(SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    int fd = signalfd(-1, &usr2, SFD_CLOEXEC);
    must(fd >= 0, "signalfd");
    int id = new_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR2, 77);
    struct itimerspec t = ms(10, 10);
    long armed = monotonic_ms();
    k_settime(id, 0, &t, NULL);
    sleep_ms(100);
    struct signalfd_siginfo ssi;
    expect_long("signalfd: read", read(fd, &ssi, sizeof ssi), sizeof ssi);
    expect_yes("signalfd: SIGUSR2, SI_TIMER", ssi.ssi_signo == SIGUSR2 && ssi.ssi_code == SI_TIMER);
    expect_yes("signalfd: ssi_tid is the id", (int)ssi.ssi_tid == id);
    expect_yes("signalfd: ssi_overrun counted (>= 4)", ssi.ssi_overrun >= 4 && ssi.ssi_overrun <= (monotonic_ms() - armed) / 10 + 1);
    expect_yes("signalfd: getoverrun is ssi_overrun", k_overrun(id) == (long)ssi.ssi_overrun);
    expect_long("signalfd: ssi_int", ssi.ssi_int, 77);
    expect_long("signalfd: the next one", read(fd, &ssi, sizeof ssi), sizeof ssi);
    expect_yes("signalfd: SI_TIMER again", ssi.ssi_code == SI_TIMER);
    k_delete(id);
    close(fd);
    struct timespec zero = { 0, 0 };
    siginfo_t si;
    (void)sigtimedwait(&usr2, &si, &zero);
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
}

static void cpu_clocks(void)
{
    sigset_t usr1 = just(SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    const clockid_t clocks[] = { CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
    const char* names[] = { "process CPU clock", "thread CPU clock" };
    for (int c = 0; c < 2; c++) {
        struct sigevent ev = { 0 };
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGUSR1;
        timer_t timer;
        char what[96];
        snprintf(what, sizeof what, "%s: timer_create", names[c]);
        expect_outcome(what, timer_create(clocks[c], &ev, &timer), "ok");
        struct timespec start;
        clock_gettime(clocks[c], &start);
        struct itimerspec t = ms(50, 0), cur;
        timer_settime(timer, 0, &t, NULL);
        timer_gettime(timer, &cur);
        snprintf(what, sizeof what, "%s: remaining within 50 ms", names[c]);
        expect_yes(what, ms_of(cur.it_value) <= 50 && (cur.it_value.tv_sec || cur.it_value.tv_nsec));
        struct timespec wall0, wall;
        clock_gettime(CLOCK_MONOTONIC, &wall0);
        sigset_t pending;
        volatile unsigned long spin = 0;
        do {
            for (int i = 0; i < 100000; i++)
                spin++;
            sigpending(&pending);
            clock_gettime(CLOCK_MONOTONIC, &wall);
        } while (!sigismember(&pending, SIGUSR1) && wall.tv_sec - wall0.tv_sec < 10);
        struct timespec used;
        clock_gettime(clocks[c], &used);
        snprintf(what, sizeof what, "%s: fired", names[c]);
        expect_yes(what, sigismember(&pending, SIGUSR1));
        snprintf(what, sizeof what, "%s: after 50 ms of CPU time", names[c]);
        expect_yes(what, (used.tv_sec - start.tv_sec) * 1000 + (used.tv_nsec - start.tv_nsec) / 1000000 >= 50);
        siginfo_t si;
        wait_signal(SIGUSR1, &si, 0);
        snprintf(what, sizeof what, "%s: SI_TIMER", names[c]);
        expect_yes(what, si.si_code == SI_TIMER);
        timer_delete(timer);
    }
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

/* A timer on another process's CPU clock (clock_getcpuclockid). */
static void other_process_clock(void)
{
    sigset_t usr1 = just(SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    pid_t spinner = pt_fork();
    if (spinner == 0) {
        struct timespec w0, w;
        clock_gettime(CLOCK_MONOTONIC, &w0);
        volatile unsigned long spin = 0;
        do {
            for (int i = 0; i < 100000; i++)
                spin++;
            clock_gettime(CLOCK_MONOTONIC, &w);
        } while (w.tv_sec - w0.tv_sec < 20);
        _exit(0);
    }
    clockid_t clock;
    expect_long("clock_getcpuclockid of a child", clock_getcpuclockid(spinner, &clock), 0);
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 5;
    timer_t timer;
    expect_outcome("timer_create on the child's CPU clock", timer_create(clock, &ev, &timer), "ok");
    struct itimerspec t = ms(50, 0);
    timer_settime(timer, 0, &t, NULL);
    siginfo_t si;
    expect_str("the child's 50 ms of CPU time: the signal", signal_name(wait_signal(SIGUSR1, &si, 15000)), "SIGUSR1");
    expect_yes("SI_TIMER, its value", si.si_code == SI_TIMER && si.si_value.sival_int == 5);
    struct timespec used;
    clock_gettime(clock, &used);
    expect_yes("the child's clock passed 50 ms", used.tv_sec > 0 || used.tv_nsec >= 50000000);
    timer_delete(timer);
    kill(spinner, SIGKILL);
    expect_str("the spinner", status_text(pt_wait(spinner)), "killed by SIGKILL");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

static void fork_and_exec(void)
{
    int id = new_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
    struct itimerspec t = ms(100000, 0), cur;
    k_settime(id, 0, &t, NULL);
    pid_t pid = pt_fork();
    if (pid == 0) {
        int bits = 0;
        if (k_gettime(id, &cur) == -1 && errno == EINVAL)
            bits |= 1;
        int fresh = -1;
        struct ksigevent ev = { .notify = SIGEV_NONE };
        if (k_create(CLOCK_MONOTONIC, &ev, &fresh) == 0 && fresh == 0)
            bits |= 2;
        _exit(bits);
    }
    expect_str("fork: the child has no timers, its ids start at 0", status_text(pt_wait(pid)), "exited 3");
    pid = pt_fork();
    if (pid == 0) {
        int mine = new_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
        k_settime(mine, 0, &t, NULL);
        char idtext[16];
        snprintf(idtext, sizeof idtext, "%d", mine);
        execl(bin_path("posix_timers"), "posix_timers", pt_bin, "after-exec", idtext, (char*)NULL);
        _exit(99);
    }
    expect_str("execve: timers deleted, ids go on", status_text(pt_wait(pid)), "exited 3");
    k_delete(id);
}

static int after_exec(const char* idtext)
{
    int id = atoi(idtext), bits = 0;
    struct itimerspec cur;
    if (k_gettime(id, &cur) == -1 && errno == EINVAL)
        bits |= 1;
    int fresh = -1;
    struct ksigevent ev = { .notify = SIGEV_NONE };
    if (k_create(CLOCK_MONOTONIC, &ev, &fresh) == 0 && fresh == id + 1)
        bits |= 2;
    return bits;
}

int main(int argc, char** argv)
{
    if (argc > 3 && strcmp(argv[2], "after-exec") == 0)
        return after_exec(argv[3]);
    pt_start("posix_timers", argc, argv);
    errors();
    signal_timers();
    handler_and_defaults();
    beside_a_pending_signal();
    thread_id();
    sigev_thread();
    through_signalfd();
    cpu_clocks();
    other_process_clock();
    fork_and_exec();
    return pt_finish();
}
