/* FUTEX_WAKE_OP with raw system calls: each operation (SET, ADD, OR,
 * ANDN, XOR, with and without FUTEX_OP_OPARG_SHIFT) on known old values
 * and the word it leaves; each comparison (EQ, NE, LT, LE, GT, GE, signed)
 * seen through whether a waiter of the second word is woken; the wake
 * counts of both words with real waiting threads; unknown operations and
 * comparisons (ENOSYS), misaligned words (EINVAL), a second word that is
 * unmapped or read-only (EFAULT), not yet touched or copy-on-write after
 * fork; process-shared words across fork; and threads adding to one word
 * at once, some through WAKE_OP and some in user space (the sum exact). */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "proctest.h"
#include "errnames.h"

/* <linux/futex.h>'s, which musl does not install. */
enum {
    FUTEX_WAIT = 0,
    FUTEX_WAKE = 1,
    FUTEX_CMP_REQUEUE = 4,
    FUTEX_WAKE_OP = 5,
    FUTEX_PRIVATE_FLAG = 128,
};
enum { OP_SET, OP_ADD, OP_OR, OP_ANDN, OP_XOR };
enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
#define OPARG_SHIFT 8
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    ((uint32_t)(((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static const char* const op_names[] = { "SET", "ADD", "OR", "ANDN", "XOR" };
static const char* const cmp_names[] = { "EQ", "NE", "LT", "LE", "GT", "GE" };

static long futex(uint32_t* w, int op, uint32_t val, unsigned long val2, uint32_t* w2, uint32_t val3)
{
    return syscall(SYS_futex, w, op, val, (void*)val2, w2, val3);
}

static long wake_op(uint32_t* w1, int count, uint32_t* w2, int count2, uint32_t op)
{
    return futex(w1, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, (uint32_t)count, (unsigned long)(uint32_t)count2, w2, op);
}

/* How many threads wait on w (which holds `value`), without waking any:
 * CMP_REQUEUE onto the same word wakes none and counts those it moves. */
static long waiting(uint32_t* w, int private_flag)
{
    return futex(w, FUTEX_CMP_REQUEUE | private_flag, 0, 0x7fffffff, w, __atomic_load_n(w, __ATOMIC_SEQ_CST));
}

/* Until `n` threads wait on w (10 s at most: then the test fails). */
static bool until_waiting(uint32_t* w, long n, int private_flag)
{
    for (int i = 0; i < 2000; i++) {
        if (waiting(w, private_flag) == n)
            return true;
        sleep_ms(5);
    }
    return false;
}

/* Waiter threads: each waits once on its word (which holds 0 or the value
 * it was given) and counts itself when woken. */
struct waiter {
    pthread_t thread;
    uint32_t* word;
    uint32_t value;
};
static int returned;

static void* wait_once(void* arg)
{
    struct waiter* w = arg;
    long r = futex(w->word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, w->value, 0, NULL, 0);
    if (r != 0)
        say("a waiter's FUTEX_WAIT: %s (expected ok)", err_name(errno));
    __atomic_fetch_add(&returned, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void start_waiter(struct waiter* w, uint32_t* word, uint32_t value)
{
    w->word = word;
    w->value = value;
    must(pthread_create(&w->thread, NULL, wait_once, w) == 0, "pthread_create");
}

/* Until `n` waiters in all have returned. */
static bool until_returned(int n)
{
    for (int i = 0; i < 2000; i++) {
        if (__atomic_load_n(&returned, __ATOMIC_SEQ_CST) == n)
            return true;
        sleep_ms(5);
    }
    return false;
}

static uint32_t word1 __attribute__((aligned(64))), word2 __attribute__((aligned(64)));

static void operations(void)
{
    static const struct {
        int op, oparg;
        uint32_t old;
    } cases[] = {
        { OP_SET, 5, 0xf0f0 }, { OP_SET, -1, 7 }, { OP_ADD, 3, 40 }, { OP_ADD, -1, 0 }, { OP_ADD, 1, 0xffffffff },
        { OP_OR, 0x0f, 0xf0f0 }, { OP_ANDN, 0xf0, 0xf0ff }, { OP_ANDN, -1, 0x1234 }, { OP_XOR, 0xff, 0xf0f0 },
        { OP_XOR, 0x800, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        word2 = cases[i].old;
        long r = wake_op(&word1, 1, &word2, 1, FUTEX_OP(cases[i].op, cases[i].oparg, CMP_EQ, 0));
        say("%s %d on 0x%08x: %s, %ld woken, word 0x%08x", op_names[cases[i].op], cases[i].oparg, cases[i].old,
            outcome(r), r, word2);
    }
    /* FUTEX_OP_OPARG_SHIFT: the operand is 1 << oparg (out of 0..31: masked). */
    static const struct {
        int op, shift;
        uint32_t old;
    } shifts[] = {
        { OP_SET, 4, 0 }, { OP_OR, 31, 1 }, { OP_ADD, 0, 1 }, { OP_ANDN, 3, 0xff }, { OP_XOR, 40, 0 }, { OP_OR, -1, 0 },
    };
    for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++) {
        word2 = shifts[i].old;
        long r = wake_op(&word1, 1, &word2, 1, FUTEX_OP(shifts[i].op | OPARG_SHIFT, shifts[i].shift, CMP_EQ, 0));
        say("%s 1<<%d on 0x%08x: %s, word 0x%08x", op_names[shifts[i].op], shifts[i].shift, shifts[i].old,
            outcome(r), word2);
    }
}

/* A comparison holds when the second word's waiter is woken. */
static void comparisons(void)
{
    static const struct {
        int cmparg;
        uint32_t old;
    } olds[] = { { 5, 4 }, { 5, 5 }, { 5, 6 }, { -3, (uint32_t)-4 }, { -3, (uint32_t)-3 }, { 2, (uint32_t)-1 } };
    for (int cmp = CMP_EQ; cmp <= CMP_GE; cmp++) {
        for (size_t i = 0; i < sizeof olds / sizeof olds[0]; i++) {
            word2 = olds[i].old;
            returned = 0;
            struct waiter w;
            start_waiter(&w, &word2, olds[i].old);
            must(until_waiting(&word2, 1, FUTEX_PRIVATE_FLAG), "the waiter never waited");
            /* SET to the old value: only the comparison decides. */
            long r = wake_op(&word1, 1, &word2, 1, FUTEX_OP(OP_SET, (int)olds[i].old, cmp, olds[i].cmparg));
            say("old %d %s %d: %s, %ld woken", (int)olds[i].old, cmp_names[cmp], olds[i].cmparg, outcome(r), r);
            if (r == 0)
                futex(&word2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, NULL, 0);
            pthread_join(w.thread, NULL);
        }
    }
}

static void wake_counts(void)
{
    struct waiter w[8];
    returned = 0;
    word1 = 0;
    word2 = 0;
    for (int i = 0; i < 4; i++) {
        start_waiter(&w[i], &word1, 0);
        start_waiter(&w[4 + i], &word2, 0);
    }
    must(until_waiting(&word1, 4, FUTEX_PRIVATE_FLAG) && until_waiting(&word2, 4, FUTEX_PRIVATE_FLAG),
         "the waiters never waited");
    /* ADD 1, the old value 0 == 0: two of each word. */
    long r = wake_op(&word1, 2, &word2, 2, FUTEX_OP(OP_ADD, 1, CMP_EQ, 0));
    expect_long("wake 2 + 2 (the comparison holds)", r, 4);
    expect_yes("four waiters returned", until_returned(4));
    expect_long("still waiting on word1", waiting(&word1, FUTEX_PRIVATE_FLAG), 2);
    expect_long("still waiting on word2", waiting(&word2, FUTEX_PRIVATE_FLAG), 2);
    expect_long("word2", word2, 1);
    /* The old value 1 != 0: word1's only, and the count there is 1. */
    r = wake_op(&word1, 1, &word2, 5, FUTEX_OP(OP_ADD, 1, CMP_EQ, 0));
    expect_long("wake 1 + 5 (the comparison fails)", r, 1);
    expect_yes("five waiters returned", until_returned(5));
    expect_long("still waiting on word2", waiting(&word2, FUTEX_PRIVATE_FLAG), 2);
    expect_long("word2", word2, 2);
    /* Linux wakes one where a count is 0 or negative. */
    r = wake_op(&word1, 0, &word2, -1, FUTEX_OP(OP_ADD, 0, CMP_EQ, 2));
    expect_long("wake 0 + -1 (one each, as Linux)", r, 2);
    expect_yes("seven waiters returned", until_returned(7));
    /* No waiter left on word1; a count beyond those waiting. */
    r = wake_op(&word1, 10, &word2, 10, FUTEX_OP(OP_ADD, 0, CMP_NE, 0));
    expect_long("wake 10 + 10 with 0 + 1 waiting", r, 1);
    expect_yes("eight waiters returned", until_returned(8));
    for (int i = 0; i < 8; i++)
        pthread_join(w[i].thread, NULL);
    /* One word as both: the first count is served first. */
    returned = 0;
    for (int i = 0; i < 3; i++)
        start_waiter(&w[i], &word1, 0);
    must(until_waiting(&word1, 3, FUTEX_PRIVATE_FLAG), "the waiters never waited");
    r = wake_op(&word1, 1, &word1, 1, FUTEX_OP(OP_ADD, 0, CMP_EQ, 0));
    expect_long("one word as both, wake 1 + 1", r, 2);
    expect_yes("two waiters returned", until_returned(2));
    futex(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, 0, NULL, 0);
    for (int i = 0; i < 3; i++)
        pthread_join(w[i].thread, NULL);
}

static void errors(void)
{
    word2 = 7;
    for (int op = 5; op <= 7; op++) {
        long r = wake_op(&word1, 1, &word2, 1, FUTEX_OP(op, 1, CMP_EQ, 0));
        say("unknown operation %d: %s, word %u", op, outcome(r), word2);
    }
    /* Linux changes the word before it looks at the comparison. */
    for (int cmp = 6; cmp <= 15; cmp += 9) {
        long r = wake_op(&word1, 1, &word2, 1, FUTEX_OP(OP_ADD, 1, cmp, 0));
        say("unknown comparison %d (ADD 1): %s, word %u", cmp, outcome(r), word2);
    }
    char* bytes = (char*)&word2;
    expect_outcome("misaligned second word", wake_op(&word1, 1, (uint32_t*)(bytes + 1), 1, 0), "EINVAL");
    expect_outcome("misaligned first word", wake_op((uint32_t*)((char*)&word1 + 2), 1, &word2, 1, 0), "EINVAL");

    char* page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(page != MAP_FAILED, "mmap");
    munmap(page, 4096);
    expect_outcome("unmapped second word", wake_op(&word1, 1, (uint32_t*)page, 1, FUTEX_OP(OP_ADD, 1, CMP_EQ, 0)),
                   "EFAULT");
    expect_outcome("unmapped first word (private: not read)",
                   wake_op((uint32_t*)page, 1, &word2, 1, FUTEX_OP(OP_ADD, 0, CMP_EQ, 0)), "ok");
    expect_outcome("NULL second word", wake_op(&word1, 1, NULL, 1, FUTEX_OP(OP_ADD, 1, CMP_EQ, 0)), "EFAULT");

    page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(page != MAP_FAILED, "mmap");
    expect_outcome("read-only second word", wake_op(&word1, 1, (uint32_t*)page, 1, FUTEX_OP(OP_ADD, 1, CMP_EQ, 0)),
                   "EFAULT");
    expect_long("the read-only word", *(uint32_t*)page, 0);
    munmap(page, 4096);

    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(page != MAP_FAILED, "mmap");
    expect_outcome("a second word never touched",
                   wake_op(&word1, 1, (uint32_t*)(page + 64), 1, FUTEX_OP(OP_ADD, 9, CMP_EQ, 0)), "ok");
    expect_long("that word", *(uint32_t*)(page + 64), 9);
    munmap(page, 4096);
}

/* After fork the child's words are copies: its WAKE_OP writes its own. */
static void copy_on_write(void)
{
    word2 = 100;
    pid_t pid = pt_fork();
    if (pid == 0) {
        long r = wake_op(&word1, 1, &word2, 1, FUTEX_OP(OP_ADD, 5, CMP_EQ, 0));
        _exit(r == 0 && word2 == 105 ? 0 : 1);
    }
    expect_str("child: WAKE_OP on its copy-on-write word", status_text(pt_wait(pid)), "exited 0");
    expect_long("the parent's word", word2, 100);
}

/* Process-shared: a child waits on a word in MAP_SHARED memory. */
static void shared(void)
{
    uint32_t* words = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    must(words != MAP_FAILED, "mmap");
    pid_t pid = pt_fork();
    if (pid == 0) {
        long r = futex(&words[16], FUTEX_WAIT, 0, 0, NULL, 0);
        _exit(r == 0 ? 0 : 1);
    }
    must(until_waiting(&words[16], 1, 0), "the child never waited");
    long r = futex(&words[0], FUTEX_WAKE_OP, 1, 1, &words[16], FUTEX_OP(OP_ADD, 1, CMP_EQ, 0));
    expect_long("shared: WAKE_OP wakes the other process's waiter", r, 1);
    expect_str("shared: the child", status_text(pt_wait(pid)), "exited 0");
    expect_long("shared: the word", words[16], 1);
    munmap(words, 4096);
}

/* Threads add to one word at once: WAKE_OP ADD 1 and user-space atomic
 * increments; not one may be lost. */
#define ADDERS 4
#define ADDS 20000
static uint32_t sum __attribute__((aligned(64)));
static void* adder(void* arg)
{
    long kernel = (long)arg % 2;
    for (int i = 0; i < ADDS; i++) {
        if (kernel)
            wake_op(&word1, 1, &sum, 1, FUTEX_OP(OP_ADD, 1, CMP_EQ, -1));
        else
            __atomic_fetch_add(&sum, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void concurrent_adds(void)
{
    pthread_t t[ADDERS];
    sum = 0;
    for (long i = 0; i < ADDERS; i++)
        must(pthread_create(&t[i], NULL, adder, (void*)i) == 0, "pthread_create");
    for (int i = 0; i < ADDERS; i++)
        pthread_join(t[i], NULL);
    expect_long("the sum of concurrent adds", sum, (long)ADDERS * ADDS);
}

int main(int argc, char** argv)
{
    pt_start("wake_op", argc, argv);
    operations();
    comparisons();
    wake_counts();
    errors();
    copy_on_write();
    shared();
    concurrent_adds();
    return pt_finish();
}
