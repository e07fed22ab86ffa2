/**
 * @file
 * string.h - the few string and memory functions a freestanding kernel
 * needs.  GCC may also emit calls to memcpy/memset/memmove/memcmp on its
 * own, so these four must exist with their standard names.
 */
#ifndef SVMLAB_LIB_STRING_H
#define SVMLAB_LIB_STRING_H

#include <stddef.h>

/** Fill @p n bytes at @p dst with the byte @p c; returns @p dst. */
void *memset(void *dst, int c, size_t n);
/** Copy @p n bytes; the areas must not overlap.  Returns @p dst. */
void *memcpy(void *dst, const void *src, size_t n);
/** Copy @p n bytes; the areas may overlap.  Returns @p dst. */
void *memmove(void *dst, const void *src, size_t n);
/** Compare @p n bytes: <0, 0 or >0 as in C. */
int memcmp(const void *a, const void *b, size_t n);
/** Length of the C string @p s. */
size_t strlen(const char *s);
/** Compare two C strings. */
int strcmp(const char *a, const char *b);
/** Compare at most @p n characters of two C strings. */
int strncmp(const char *a, const char *b, size_t n);

/** Copy at most @p size - 1 bytes of @p src and always terminate @p dst. */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* SVMLAB_LIB_STRING_H */
