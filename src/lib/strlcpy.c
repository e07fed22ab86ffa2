/*
 * strlcpy.c - bounded string copy, kept apart from string.c so that the
 * host unit tests can link it next to the C library (glibc 2.36 has no
 * strlcpy, while its memset and friends must not be replaced).
 */
#include "string.h"

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}
