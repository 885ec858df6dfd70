/* map_memory DIR [N]: the memory N processes use that map one 4 MiB file
 * of DIR privately (as ld.so maps a library) and read all of it, then
 * write all of it: reading should cost about one copy of the file for
 * all of them (the page cache's), writing one copy each. Prints the
 * numbers (MiB, from sysinfo's free memory) and exits 1 when reading took
 * two copies or more. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (4u << 20)

static double free_mib(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return 0;
    return (double)si.freeram * si.mem_unit / (1 << 20);
}

/* N children map the file, touch every page (reading, or writing too),
 * say so and wait; returns the free memory lost meanwhile, in MiB. */
static double children_cost(const char* path, int n, int writes)
{
    int ready[2], go[2];
    if (pipe(ready) || pipe(go))
        exit(3);
    double before = free_mib();
    pid_t pids[64];
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            close(go[1]); /* the parent's close is the word to go */
            int fd = open(path, O_RDONLY);
            char* p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED)
                _exit(4);
            volatile unsigned sum = 0;
            for (size_t at = 0; at < SIZE; at += 4096) {
                sum += (unsigned char)p[at];
                if (writes)
                    p[at] = 1;
            }
            char c = 'r';
            if (sum == 12345 || write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
                _exit(5);
            _exit(0);
        }
    }
    for (int i = 0; i < n; i++) {
        char c;
        if (read(ready[0], &c, 1) != 1)
            exit(6);
    }
    double used = before - free_mib();
    close(go[1]);
    for (int i = 0; i < n; i++)
        waitpid(pids[i], NULL, 0);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    return used;
}

int main(int argc, char** argv)
{
    if (argc < 2)
        return 2;
    int n = argc > 2 ? atoi(argv[2]) : 8;
    if (n < 1 || n > 64)
        return 2;
    char path[512];
    snprintf(path, sizeof path, "%s/map_memory.%d", argv[1], (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(path);
        return 3;
    }
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    for (unsigned done = 0; done < SIZE; done += sizeof chunk)
        if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk)
            return 3;
    fsync(fd);
    close(fd);
    double reading = children_cost(path, n, 0);
    double writing = children_cost(path, n, 1);
    unlink(path);
    printf("%d processes mapping a 4 MiB file privately: %.1f MiB when they read it, %.1f MiB when they write it\n",
           n, reading, writing);
    return reading < 8.0 ? 0 : 1;
}
