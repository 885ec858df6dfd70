/* Built by ./configure && make with the x86_64-husk-linux-musl tools; what
 * configure found decides what it prints. */
#include "config.h"
#include <stdio.h>
#ifdef HAVE_SYS_UTSNAME_H
#include <sys/utsname.h>
#endif

int main(void)
{
    printf("%s %s built by configure\n", PACKAGE_NAME, PACKAGE_VERSION);
#if defined(HAVE_UNAME) && defined(HAVE_SYS_UTSNAME_H)
    struct utsname u;
    if (uname(&u) == 0)
        printf("running on %s %s\n", u.sysname, u.machine);
#endif
    return 0;
}
