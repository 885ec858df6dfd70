/* Finds its library through RUNPATH $ORIGIN/../lib, as programs shipped
 * with their own libraries do (tests/dynamic/CMakeLists.txt). */
#include <stdio.h>

int missing_function(void);

int main(void)
{
    printf("origin: the library beside me answers %d\n", missing_function());
    return 0;
}
