/* dynamic-check: what a dynamically linked program relies on, printed so
 * that the host's output and Husk's can be compared line by line.
 *   dynamic-check auxv            the auxiliary vector's entries are right
 *   dynamic-check dlopen LIBRARY  dlopen, dlsym, threads with TLS in the
 *                                 program and in the library
 *   dynamic-check interpreter     runs itself again through its dynamic
 *                                 linker (ld.so PROGRAM ARGS)
 *   dynamic-check exec-static HELPER
 *                                 a static HELPER execs this program again
 *   dynamic-check xattr           what ls -l asks: no attribute (ENODATA or
 *                                 EOPNOTSUPP), an empty list, ENOENT
 *   dynamic-check hello [WORDS]   prints its arguments */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/auxv.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

extern char _start[];
static __thread int own_tls = 7;

static char *self_path(void)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n < 0) {
        perror("readlink /proc/self/exe");
        exit(1);
    }
    path[n] = 0;
    return path;
}

static const char *interpreter_of_self(void)
{
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    size_t n = getauxval(AT_PHNUM);
    uintptr_t bias = 0;
    for (size_t i = 0; i < n; ++i)
        if (ph[i].p_type == PT_PHDR)
            bias = (uintptr_t)ph - ph[i].p_vaddr;
    for (size_t i = 0; i < n; ++i)
        if (ph[i].p_type == PT_INTERP)
            return (const char *)(bias + ph[i].p_vaddr);
    return NULL;
}

static int check(const char *what, int ok)
{
    printf("auxv: %s %s\n", what, ok ? "ok" : "WRONG");
    return ok;
}

static int auxv(void)
{
    int ok = 1;
    const char *interp = interpreter_of_self();
    ok &= check("interpreter named", interp != NULL);
    ok &= check("AT_ENTRY is _start", getauxval(AT_ENTRY) == (unsigned long)_start);
    ok &= check("AT_PHENT", getauxval(AT_PHENT) == sizeof(ElfW(Phdr)));
    ok &= check("AT_PAGESZ", getauxval(AT_PAGESZ) == 4096 && sysconf(_SC_PAGESIZE) == 4096);
    ok &= check("AT_CLKTCK", getauxval(AT_CLKTCK) == 100);
    ok &= check("AT_BASE is the interpreter", getauxval(AT_BASE) != 0 && interp
                && dlopen(interp, RTLD_NOLOAD | RTLD_LAZY) != NULL);
    Dl_info info;
    ok &= check("AT_BASE maps the interpreter", dladdr((void *)(getauxval(AT_BASE) + 64), &info) != 0);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    ok &= check("AT_EXECFN", execfn && execfn[0] != 0);
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    ok &= check("AT_PLATFORM", platform && strcmp(platform, "x86_64") == 0);
    const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
    ok &= check("AT_RANDOM", random != NULL);
    ok &= check("AT_SECURE", getauxval(AT_SECURE) == 0);
    ok &= check("AT_HWCAP", getauxval(AT_HWCAP) != 0);
    ok &= check("AT_SYSINFO_EHDR is an ELF", getauxval(AT_SYSINFO_EHDR)
                && memcmp((const void *)getauxval(AT_SYSINFO_EHDR), ELFMAG, SELFMAG) == 0);
    ok &= check("AT_MINSIGSTKSZ", getauxval(51) >= 2048);
    struct timespec t;
    ok &= check("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &t) == 0 && clock_gettime(CLOCK_REALTIME, &t) == 0
                && t.tv_sec > 1600000000);
    ok &= check("TLS", own_tls == 7);
    return ok ? 0 : 1;
}

/* Threads made before the dlopen wait at the barrier for the library:
 * its TLS must reach threads that already exist, as well as new ones. */
static int (*bump_fn)(void);
static pthread_barrier_t loaded;

struct work {
    int early;
    int result;
};

static void *thread_main(void *arg)
{
    struct work *w = arg;
    if (w->early)
        pthread_barrier_wait(&loaded);
    for (int i = 0; i < 1000; ++i) {
        w->result = bump_fn();
        own_tls++;
    }
    if (own_tls != 1007)
        w->result = -1;
    return NULL;
}

static int dlopen_threads(const char *library)
{
    enum { kThreads = 8, kEarly = 4 };
    pthread_t threads[kThreads];
    struct work work[kThreads];
    pthread_barrier_init(&loaded, NULL, kEarly + 1);
    for (int i = 0; i < kEarly; ++i) {
        work[i] = (struct work){ 1, 0 };
        if (pthread_create(&threads[i], NULL, thread_main, &work[i]) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    }
    void *handle = dlopen(library, RTLD_NOW);
    if (!handle) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    bump_fn = (int (*)(void))dlsym(handle, "plugin_bump");
    const char *(*name)(void) = (const char *(*)(void))dlsym(handle, "plugin_name");
    if (!bump_fn || !name) {
        printf("dlsym: %s\n", dlerror());
        return 1;
    }
    printf("dlopen: %s loaded\n", name());
    pthread_barrier_wait(&loaded);
    for (int i = kEarly; i < kThreads; ++i) {
        work[i] = (struct work){ 0, 0 };
        if (pthread_create(&threads[i], NULL, thread_main, &work[i]) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    }
    int ok = 1;
    for (int i = 0; i < kThreads; ++i) {
        pthread_join(threads[i], NULL);
        ok &= work[i].result == 1000; /* each thread its own counter */
    }
    printf("dlopen: %d threads (%d made before the dlopen), each with its own TLS in the library and the "
           "program: %s\n", kThreads, kEarly, ok ? "ok" : "WRONG");
    printf("dlopen: main thread's counter %d\n", bump_fn());
    dlclose(handle);
    return ok ? 0 : 1;
}

static int xattr(void)
{
    char value[64];
    ssize_t got = lgetxattr("/", "user.husk-test", value, sizeof value);
    int none = got < 0 && (errno == ENODATA || errno == EOPNOTSUPP);
    printf("xattr: lgetxattr of a missing attribute: %s\n", none ? "none" : "WRONG");
    got = getxattr("/no/such/file", "user.husk-test", value, sizeof value);
    printf("xattr: getxattr of a missing file: %s\n", got < 0 && errno == ENOENT ? "ENOENT" : "WRONG");
    got = llistxattr("/proc/self/exe", value, sizeof value);
    printf("xattr: llistxattr: %s\n", got >= 0 ? "a list" : "WRONG");
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *mode = argc > 1 ? argv[1] : "hello";
    if (strcmp(mode, "auxv") == 0)
        return auxv();
    if (strcmp(mode, "xattr") == 0)
        return xattr();
    if (strcmp(mode, "dlopen") == 0 && argc > 2)
        return dlopen_threads(argv[2]);
    if (strcmp(mode, "interpreter") == 0) {
        const char *interp = interpreter_of_self();
        char *self = self_path();
        printf("interpreter: running myself through my dynamic linker\n");
        char *args[] = { (char *)interp, self, "hello", "via", "the", "interpreter", NULL };
        execv(interp, args);
        perror("execv interpreter");
        return 1;
    }
    if (strcmp(mode, "exec-static") == 0 && argc > 2) {
        char *args[] = { argv[2], self_path(), "hello", "after", "a", "static", "program", NULL };
        execv(argv[2], args);
        perror("execv static helper");
        return 1;
    }
    printf("hello:");
    for (int i = 2; i < argc; ++i)
        printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
