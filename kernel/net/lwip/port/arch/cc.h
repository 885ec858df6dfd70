/* lwIP's compiler and platform definitions for Husk's kernel: freestanding,
 * no C library (the few routines lwIP uses come from LwipPort.cpp under
 * husk_lwip_* names, see libc/), assertions end in a kernel panic. */
#ifndef HUSK_LWIP_ARCH_CC_H
#define HUSK_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_CTYPE_H 1

#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define INT_MAX 0x7fffffff
typedef long ssize_t;
#define SSIZE_MAX 0x7fffffffffffffffL

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif
/* Byte order by the compiler's byte swap, inline, instead of calls to
 * lwIP's shift-and-mask functions (a few percent of a bulk send). */
#define lwip_htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))

#ifdef __cplusplus
extern "C" {
#endif
void husk_lwip_diag(const char *format, ...);
void husk_lwip_assert(const char *message, const char *file, int line) __attribute__((noreturn));
uint32_t husk_lwip_rand(void);
#ifdef __cplusplus
}
#endif

#define LWIP_PLATFORM_DIAG(x) do { husk_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) husk_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() husk_lwip_rand()

#endif
