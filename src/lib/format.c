/*
 * format.c - a small printf engine shared by kprintf and ksnprintf.
 */
#include <stdint.h>
#include "format.h"

struct spec {
	int width;
	int prec;       /* %.Ns and %.*s: most characters of a string */
	int zero;       /* pad with '0' instead of ' ' */
	int left;       /* pad on the right */
};

struct out {
	format_sink sink;
	void *arg;
	int count;
};

static void put(struct out *o, char c)
{
	o->sink(c, o->arg);
	o->count++;
}

/* Emit @s (length @len) padded to the spec's width. */
static void put_padded(struct out *o, const char *s, int len,
		       const struct spec *sp)
{
	int pad = sp->width > len ? sp->width - len : 0;

	if (!sp->left)
		while (pad-- > 0)
			put(o, sp->zero ? '0' : ' ');
	while (len-- > 0)
		put(o, *s++);
	if (sp->left)
		while (pad-- > 0)
			put(o, ' ');
}

/* Emit an unsigned number in @base, with an optional minus sign. */
static void put_number(struct out *o, uint64_t v, unsigned base, int neg,
		       int upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int i = sizeof(buf);

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (sp->zero && sp->width > 0) {
			/* the sign goes before the zero padding */
			struct spec rest = *sp;

			put(o, '-');
			rest.width--;
			put_padded(o, buf + i, (int)sizeof(buf) - i, &rest);
			return;
		}
		buf[--i] = '-';
	}
	put_padded(o, buf + i, (int)sizeof(buf) - i, sp);
}

/* Fetch an integer argument of the given length (0: int, 1: long, 2: ll). */
static uint64_t fetch(va_list *ap, int len, int is_signed, int *neg)
{
	int64_t s;

	*neg = 0;
	if (!is_signed) {
		if (len == 0)
			return va_arg(*ap, unsigned int);
		return len == 1 ? va_arg(*ap, unsigned long)
				: va_arg(*ap, unsigned long long);
	}
	if (len == 0)
		s = va_arg(*ap, int);
	else
		s = len == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
	if (s < 0) {
		*neg = 1;
		return (uint64_t)0 - (uint64_t)s;
	}
	return (uint64_t)s;
}

/* Format one conversion starting after '%'; returns the next position. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
	struct spec sp = { 0, -1, 0, 0 };
	int len = 0, neg;
	const char *s;
	uint64_t v;
	char c;

	for (;; f++) {
		if (*f == '0')
			sp.zero = 1;
		else if (*f == '-')
			sp.left = 1;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp.width = sp.width * 10 + (*f++ - '0');
	if (*f == '.') {
		sp.prec = 0;
		if (*++f == '*') {
			sp.prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp.prec = sp.prec * 10 + (*f++ - '0');
	}
	while (*f == 'l') {
		len++;
		f++;
	}
	switch (*f) {
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, &c, 1, &sp);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		for (len = 0; s[len] && len != sp.prec; len++)
			;
		put_padded(o, s, len, &sp);
		break;
	case 'd':
	case 'i':
		v = fetch(ap, len, 1, &neg);
		put_number(o, v, 10, neg, 0, &sp);
		break;
	case 'u':
		v = fetch(ap, len, 0, &neg);
		put_number(o, v, 10, 0, 0, &sp);
		break;
	case 'x':
	case 'X':
		v = fetch(ap, len, 0, &neg);
		put_number(o, v, 16, 0, *f == 'X', &sp);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		sp.width = 16;
		sp.zero = 1;
		put_number(o, (uintptr_t)va_arg(*ap, void *), 16, 0, 0, &sp);
		break;
	case '%':
		put(o, '%');
		break;
	default:        /* unknown conversion: show it, do not guess */
		put(o, '%');
		if (*f)
			put(o, *f);
		else
			return f;
	}
	return f + 1;
}

int vformat(format_sink sink, void *arg, const char *fmt, va_list ap)
{
	struct out o = { sink, arg, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%')
			put(&o, *fmt++);
		else
			fmt = convert(&o, fmt + 1, &aq);
	}
	va_end(aq);
	return o.count;
}

struct buf {
	char *p;
	size_t left;    /* room for characters, not counting the NUL */
};

static void buf_sink(char c, void *arg)
{
	struct buf *b = arg;

	if (b->left) {
		*b->p++ = c;
		b->left--;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf b = { buf, size ? size - 1 : 0 };
	int n = vformat(buf_sink, &b, fmt, ap);

	if (size)
		*b.p = 0;
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
