/* map_writeback FILE MODE: stores through a MAP_SHARED mapping of FILE (an
 * ext2 file on the guest's disk) that the host then reads in the image
 * (run-map-writeback). MODE:
 *   msync  "msync-ok" at 100 and 4101, msync(MS_SYNC), says "synced", then
 *          stores "lost" at 300 and waits to be killed: only what msync
 *          wrote may be on the disk;
 *   exit   "exit-ok" at 200 and 8000, then exits: the end of the process
 *          and the kernel's sync at shutdown write them back;
 *   munmap "unmap-ok" at 400, munmap, then exits likewise;
 *   flush  "flush-ok" at 500, says "stored" and waits to be killed: the
 *          kernel's periodic write-back (dirty_expire) must write it. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    if (argc != 3)
        return 2;
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    char* m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    close(fd);
    if (strcmp(argv[2], "msync") == 0) {
        memcpy(m + 100, "msync-ok", 8);
        memcpy(m + 4101, "msync-ok", 8);
        if (msync(m, 2 * 4096, MS_SYNC) != 0) {
            perror("msync");
            return 1;
        }
        printf("synced\n");
        fflush(stdout);
        memcpy(m + 300, "lost", 4);
        for (;;)
            pause();
    }
    if (strcmp(argv[2], "exit") == 0) {
        memcpy(m + 200, "exit-ok", 7);
        memcpy(m + 8000, "exit-ok", 7);
        return 0;
    }
    if (strcmp(argv[2], "flush") == 0) {
        memcpy(m + 500, "flush-ok", 8);
        printf("stored\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    if (strcmp(argv[2], "munmap") == 0) {
        memcpy(m + 400, "unmap-ok", 8);
        return munmap(m, 2 * 4096) == 0 ? 0 : 1;
    }
    return 2;
}
