// How a program counts and describes the CPUs: glibc's sysconf and
// get_nprocs (/sys/devices/system/cpu/online, possible), the affinity mask,
// the cpuN directories of /sys/devices/system/cpu, /proc/cpuinfo (one block
// a CPU, the fields of Linux's x86 layout in their order) and /proc/stat
// (a cpu line, one cpuN line a CPU, counters that only grow, the summary
// lines). Every line starting "cpus: " states a fact relative to N, the
// count the caller expects: run-cpus-test compares them with the host's.
// Usage: cpus N
#define _GNU_SOURCE
#include <dirent.h>
#include <regex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

static long expected;

static void count(const char* what, long n)
{
    if (n == expected)
        printf("cpus: %s = N\n", what);
    else
        printf("cpus: %s = %ld (N is %ld)\n", what, n, expected);
}

static long slurp(const char* path, char* buf, size_t size)
{
    FILE* f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
    return (long)n;
}

static void range_file(const char* path)
{
    char buf[64], want[64];
    if (expected > 1)
        snprintf(want, sizeof want, "0-%ld\n", expected - 1);
    else
        snprintf(want, sizeof want, "0\n");
    if (slurp(path, buf, sizeof buf) < 0)
        printf("cpus: %s: missing\n", path);
    else
        printf("cpus: %s %s\n", path, strcmp(buf, want) == 0 ? "is 0-(N-1)" : buf);
}

static void sys_cpu_directories(void)
{
    DIR* d = opendir("/sys/devices/system/cpu");
    if (!d) {
        printf("cpus: /sys/devices/system/cpu: missing\n");
        return;
    }
    regex_t cpu;
    regcomp(&cpu, "^cpu[0-9]+$", REG_EXTENDED | REG_NOSUB);
    long n = 0;
    for (struct dirent* e; (e = readdir(d));)
        if (regexec(&cpu, e->d_name, 0, NULL, 0) == 0)
            ++n;
    closedir(d);
    regfree(&cpu);
    count("cpuN directories in /sys/devices/system/cpu", n);
    char buf[16];
    for (long i = 1; i < expected; ++i) {
        char path[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/online", i);
        if (slurp(path, buf, sizeof buf) < 0 || strcmp(buf, "1\n") != 0)
            printf("cpus: %s is not 1\n", path);
    }
}

// The field names of each block in order, less those Linux prints only
// when it knows the value (microcode, clock, cache, TLB, vmx flags).
static int optional_field(const char* name)
{
    static const char* const names[] = { "microcode", "cpu MHz", "cache size", "TLB size", "vmx flags", NULL };
    for (int i = 0; names[i]; ++i)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

static void cpuinfo(void)
{
    FILE* f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        printf("cpus: /proc/cpuinfo: missing\n");
        return;
    }
    char line[8192], fields[4096] = "", first[4096] = "";
    long blocks = 0, ordered = 1, same = 1, has_sse2 = 0, empty_ends = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n') {
            if (blocks == 1)
                strcpy(first, fields);
            else if (blocks > 1 && strcmp(first, fields) != 0)
                same = 0;
            fields[0] = 0;
            ++empty_ends;
            continue;
        }
        char* colon = strchr(line, ':');
        if (!colon)
            continue;
        char name[64];
        size_t n = (size_t)(colon - line);
        while (n && (line[n - 1] == '\t' || line[n - 1] == ' '))
            --n;
        snprintf(name, sizeof name, "%.*s", (int)n, line);
        if (strcmp(name, "processor") == 0) {
            if (atol(colon + 1) != blocks)
                ordered = 0;
            ++blocks;
        }
        if (strcmp(name, "flags") == 0 && strstr(colon, " sse2 "))
            has_sse2 = 1;
        if (!optional_field(name) && strlen(fields) + n + 2 < sizeof fields) {
            strcat(fields, name);
            strcat(fields, ",");
        }
    }
    fclose(f);
    count("processor blocks in /proc/cpuinfo", blocks);
    count("blocks ended by an empty line", empty_ends);
    printf("cpus: processors numbered 0..N-1: %s\n", ordered ? "yes" : "no");
    printf("cpus: every block has the same fields: %s\n", same ? "yes" : "no");
    printf("cpus: cpuinfo fields: %s\n", first);
    printf("cpus: flags name sse2: %s\n", has_sse2 ? "yes" : "no");
}

struct stat_cpu {
    unsigned long long v[10];
};

// /proc/stat: the cpu line and the cpuN lines (into cpus, at most 64).
static long read_stat(struct stat_cpu* all, struct stat_cpu* cpus, int report)
{
    FILE* f = fopen("/proc/stat", "r");
    if (!f) {
        printf("cpus: /proc/stat: missing\n");
        return -1;
    }
    char line[4096];
    long n = 0, ordered = 1, summary = 0;
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        struct stat_cpu c;
        char name[32];
        int fields = sscanf(line, "%31s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", name, &c.v[0], &c.v[1],
                            &c.v[2], &c.v[3], &c.v[4], &c.v[5], &c.v[6], &c.v[7], &c.v[8], &c.v[9]);
        if (strncmp(line, "cpu ", 4) == 0) {
            if (!first || fields != 11)
                ordered = 0;
            *all = c;
        } else if (strncmp(name, "cpu", 3) == 0) {
            if (fields != 11 || atol(name + 3) != n)
                ordered = 0;
            if (n < 64)
                cpus[n] = c;
            ++n;
        } else {
            static const char* const names[] = { "ctxt", "btime", "processes", "procs_running", "procs_blocked" };
            for (int i = 0; i < 5; ++i)
                if (strcmp(name, names[i]) == 0)
                    summary |= 1 << i;
            if (strcmp(name, "btime") == 0 && report) {
                long long btime = atoll(line + 6), now = time(NULL);
                printf("cpus: btime in the past year: %s\n",
                       btime <= now && btime > now - 366LL * 86400 ? "yes" : "no");
            }
        }
        first = 0;
    }
    fclose(f);
    if (report) {
        count("cpuN lines in /proc/stat", n);
        printf("cpus: /proc/stat starts with cpu, then cpu0..cpuN-1, 10 fields each: %s\n", ordered ? "yes" : "no");
        printf("cpus: /proc/stat has ctxt, btime, processes, procs_running, procs_blocked: %s\n",
               summary == 31 ? "yes" : "no");
    }
    return n;
}

static unsigned long long sum(const struct stat_cpu* c)
{
    unsigned long long s = 0;
    for (int i = 0; i < 8; ++i) // guest time is in user time already
        s += c->v[i];
    return s;
}

static void stat_grows(void)
{
    struct stat_cpu all0, all1, cpus0[64], cpus1[64];
    long n = read_stat(&all0, cpus0, 1);
    if (n < 0)
        return;
    // A quarter of a second of work in this program: time passes on every CPU.
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    volatile unsigned long spin = 0;
    do {
        for (int i = 0; i < 100000; ++i)
            spin += i;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < 250000000L);
    read_stat(&all1, cpus1, 0);
    int monotonic = 1;
    for (int i = 0; i < 10; ++i)
        if (all1.v[i] < all0.v[i])
            monotonic = 0;
    for (long c = 0; c < n && c < 64; ++c)
        for (int i = 0; i < 10; ++i)
            if (cpus1[c].v[i] < cpus0[c].v[i])
                monotonic = 0;
    printf("cpus: /proc/stat counters never go back: %s\n", monotonic ? "yes" : "no");
    printf("cpus: the cpu line's ticks grew: %s\n", sum(&all1) > sum(&all0) ? "yes" : "no");
    printf("cpus: user time grew while the program worked: %s\n", all1.v[0] > all0.v[0] ? "yes" : "no");
}

int main(int argc, char** argv)
{
    if (argc != 2)
        return 2;
    expected = atol(argv[1]);
    count("sysconf(_SC_NPROCESSORS_ONLN)", sysconf(_SC_NPROCESSORS_ONLN));
    count("sysconf(_SC_NPROCESSORS_CONF)", sysconf(_SC_NPROCESSORS_CONF));
    count("get_nprocs()", get_nprocs());
    count("get_nprocs_conf()", get_nprocs_conf());
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        count("CPUs in the affinity mask", CPU_COUNT(&set));
    range_file("/sys/devices/system/cpu/online");
    range_file("/sys/devices/system/cpu/possible");
    range_file("/sys/devices/system/cpu/present");
    sys_cpu_directories();
    cpuinfo();
    stat_grows();
    printf("cpus: done\n");
    return 0;
}
