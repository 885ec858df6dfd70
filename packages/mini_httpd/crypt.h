/* Debian's musl ships no <crypt.h> and no crypt() (Debian bug #947193);
   musl's <unistd.h> declares crypt(), which crypt-none.c defines. */
#include <unistd.h>
