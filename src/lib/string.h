/*
 * string.h - the few string and memory functions a freestanding kernel
 * needs.  GCC may also emit calls to memcpy/memset/memmove/memcmp on its
 * own, so these four must exist with their standard names.
 */
#ifndef SVMLAB_LIB_STRING_H
#define SVMLAB_LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/** Copy at most @p size - 1 bytes of @p src and always terminate @p dst. */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* SVMLAB_LIB_STRING_H */
