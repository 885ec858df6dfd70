/* The C string routines lwIP's sources include, for the freestanding
 * kernel: the memory routines platform.h provides, the others from
 * LwipPort.cpp under names that cannot clash with a host C library (the
 * hosted kernel shares a process with one). Only lwIP's C files see this. */
#ifndef HUSK_LWIP_STRING_H
#define HUSK_LWIP_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t husk_lwip_strlen(const char *s);
int husk_lwip_strncmp(const char *a, const char *b, size_t n);
#define strlen husk_lwip_strlen
#define strncmp husk_lwip_strncmp
#define strcmp(a, b) husk_lwip_strncmp((a), (b), (size_t)-1)

#endif
