/**
 * @file
 * format.h - printf-style formatting into any sink.
 *
 * Supported: %c %s %d %i %u %x %X %p %%, the length modifiers l and ll,
 * a field width, a precision for %s (%.8s, %.*s), and the flags '0' and
 * '-'.  %p prints 0x and 16 digits.
 */
#ifndef SVMLAB_LIB_FORMAT_H
#define SVMLAB_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/** A sink receives one character at a time, with its private argument. */
typedef void (*format_sink)(char c, void *arg);

/** Format @p fmt with @p ap into @p sink; returns the characters written. */
int vformat(format_sink sink, void *arg, const char *fmt, va_list ap);

/** snprintf: always terminates @p buf; returns the length it wanted. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** vsnprintf counterpart of ksnprintf. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* SVMLAB_LIB_FORMAT_H */
