/* memory: the allocator paths a libc takes — brk for small blocks, mmap
 * for large ones, mprotect, munmap — with contents checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
    size_t total = 0;
    for (int i = 0; i < 2000; ++i) {
        size_t n = 16 + (size_t)(i * 37 % 4000);
        char *p = malloc(n);
        if (!p) { puts("memory: malloc failed"); return 1; }
        memset(p, i & 0xff, n);
        if (p[n - 1] != (char)(i & 0xff)) return 1;
        total += n;
        if (i % 3) free(p);
    }
    size_t big = 32u << 20;
    unsigned char *m = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { puts("memory: mmap failed"); return 1; }
    for (size_t off = 0; off < big; off += 1u << 20)
        if (m[off] != 0) { puts("memory: fresh mmap not zero"); return 1; }
    for (size_t off = 0; off < big; off += 4096)
        m[off] = (unsigned char)(off >> 12);
    for (size_t off = 0; off < big; off += 4096)
        if (m[off] != (unsigned char)(off >> 12)) { puts("memory: contents lost"); return 1; }
    if (mprotect(m, 4096, PROT_READ) != 0) { puts("memory: mprotect failed"); return 1; }
    if (m[0] != 0) return 1;
    if (munmap(m, big) != 0) { puts("memory: munmap failed"); return 1; }
    printf("memory: ok (%zu bytes through malloc, %zu MiB mapped)\n", total, big >> 20);
    return 0;
}
