/* For the static /init programs of the Linux peers that bench/linux-peer
 * packs (bench/net, bench/dynamic): loads /lib/modules/NAME.ko in the order
 * /lib/modules/load-order gives, each with its NAME.key=value words of the
 * kernel command line, as modprobe does (QEMU's microvm announces its
 * virtio-mmio devices as virtio_mmio.device=...). fail(what) reports an
 * error and does not return. */
#ifndef HUSK_BENCH_LINUX_PEER_MODULES_H
#define HUSK_BENCH_LINUX_PEER_MODULES_H
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The NAME.key=value words of cmdline as "key=value ...". */
static void module_params(const char* cmdline, const char* name, char* out, size_t size)
{
    size_t n = strlen(name), used = 0;
    char copy[4096];
    out[0] = 0;
    snprintf(copy, sizeof copy, "%s", cmdline);
    for (char *save = NULL, *w = strtok_r(copy, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
        if (strncmp(w, name, n) != 0 || w[n] != '.')
            continue;
        int k = snprintf(out + used, size - used, "%s%s", used ? " " : "", w + n + 1);
        if (k < 0 || (size_t)k >= size - used)
            break;
        used += (size_t)k;
    }
}

static void load_modules(const char* cmdline, void (*fail)(const char* what))
{
    FILE* order = fopen("/lib/modules/load-order", "r");
    if (!order)
        return;
    char name[64];
    while (fscanf(order, "%63s", name) == 1) {
        char path[128], params[1024];
        snprintf(path, sizeof path, "/lib/modules/%s.ko", name);
        module_params(cmdline, name, params, sizeof params);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fail(path);
        if (syscall(SYS_finit_module, fd, params, 0) != 0 && errno != EEXIST)
            fail(path);
        close(fd);
    }
    fclose(order);
}
#endif
