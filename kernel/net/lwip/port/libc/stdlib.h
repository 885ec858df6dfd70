/* See string.h: netif.c parses interface numbers with atoi. */
#ifndef HUSK_LWIP_STDLIB_H
#define HUSK_LWIP_STDLIB_H

int husk_lwip_atoi(const char *s);
#define atoi husk_lwip_atoi

#endif
