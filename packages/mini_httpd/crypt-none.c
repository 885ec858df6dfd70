/* crypt() for a musl without one (Debian removed it, bug #947193):
   mini_httpd calls it only to check a password of a directory protected
   by .htpasswd. It fails (NULL, ENOSYS), which mini_httpd treats as a
   wrong password: such directories answer 401 to everyone. */
#include <errno.h>
#include <stddef.h>

char* crypt(const char* key, const char* salt)
{
    (void)key;
    (void)salt;
    errno = ENOSYS;
    return NULL;
}
