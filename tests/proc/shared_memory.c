/* shared_memory: what fork shares and what it copies.
 *   - MAP_SHARED|MAP_ANONYMOUS: a counter the child increments is seen by
 *     the parent; 4 children adding 10000 each at the same time (atomic
 *     adds) make 40000; a grandchild's writes reach it too;
 *   - MAP_PRIVATE|MAP_ANONYMOUS, the heap (4 MiB), the stack and .data
 *     are copied: each side's later writes stay its own, both ways;
 *   - a read-only mapping stays read-only in the child (SIGSEGV); the
 *     child's munmap does not reach the parent. */
#include "proctest.h"
#include <sys/mman.h>

static int data_value = 5;

int main(int argc, char** argv)
{
    pt_start("shared_memory", argc, argv);
    long* shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long* private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(shared != MAP_FAILED && private != MAP_FAILED, "mmap");

    say("-- MAP_SHARED|MAP_ANONYMOUS");
    shared[0] = 100;
    pid_t pid = pt_fork();
    if (pid == 0) {
        for (int i = 0; i < 1000; i++)
            shared[0]++;
        _exit(0);
    }
    pt_wait(pid);
    expect_long("the child's 1000 increments are seen", shared[0], 1100);

    shared[1] = 0;
    pid_t kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = pt_fork();
        if (kids[k] == 0) {
            for (int i = 0; i < 10000; i++)
                __atomic_fetch_add(&shared[1], 1, __ATOMIC_SEQ_CST);
            _exit(0);
        }
    }
    for (int k = 0; k < 4; k++)
        pt_wait(kids[k]);
    expect_long("4 children adding 10000 each", shared[1], 40000);

    pid = pt_fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            shared[2] = 77;
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    pt_wait(pid);
    expect_long("a grandchild's write", shared[2], 77);

    say("-- copies");
    size_t heap_size = 4 << 20;
    unsigned char* heap = malloc(heap_size);
    must(heap != NULL, "malloc");
    memset(heap, 0x11, heap_size);
    private[0] = 1;
    int on_stack = 9;
    int go[2], up[2];
    must(pipe(go) == 0 && pipe(up) == 0, "pipe");
    pid = pt_fork();
    if (pid == 0) {
        close(go[1]);
        close(up[0]);
        int bad = 0;
        memset(heap, 0x22, heap_size);
        private[0] = 2;
        on_stack = 2;
        data_value = 2;
        char c = 'u';
        if (write(up[1], &c, 1) != 1 || read(go[0], &c, 1) != 1) /* the parent has written its own values */
            _exit(100);
        for (size_t i = 0; i < heap_size; i += 4096)
            if (heap[i] != 0x22)
                bad |= 1;
        if (private[0] != 2)
            bad |= 2;
        if (on_stack != 2 || data_value != 2)
            bad |= 4;
        _exit(bad);
    }
    close(go[0]);
    close(up[1]);
    char c;
    must(read(up[0], &c, 1) == 1, "read"); /* the child has written its values */
    size_t same = 0;
    for (size_t i = 0; i < heap_size; i++)
        same += heap[i] == 0x11;
    expect_yes("the child's writes to the heap are not seen", same == heap_size);
    expect_yes("the child's writes to MAP_PRIVATE, the stack and .data are not seen",
               private[0] == 1 && on_stack == 9 && data_value == 5);
    memset(heap, 0x33, heap_size);
    private[0] = 3;
    on_stack = 3;
    data_value = 3;
    must(write(go[1], "g", 1) == 1, "write");
    close(go[1]);
    close(up[0]);
    int status = pt_wait(pid);
    expect_str("the parent's later writes are not seen by the child (0 = none seen)", status_text(status), "exited 0");
    free(heap);

    say("-- protections and unmapping");
    char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(ro != MAP_FAILED, "mmap");
    pid = pt_fork();
    if (pid == 0) {
        no_core();
        ((volatile char*)ro)[0] = 1;
        _exit(0);
    }
    expect_str("a write to a read-only mapping in the child", status_text(pt_wait(pid)), "killed by SIGSEGV");
    pid = pt_fork();
    if (pid == 0)
        _exit(munmap(shared, 4096) == 0 && munmap(private, 4096) == 0 ? 0 : 1);
    expect_str("the child unmaps both", status_text(pt_wait(pid)), "exited 0");
    expect_yes("the parent still has them", shared[0] == 1100 && private[0] == 3);
    return pt_finish();
}
