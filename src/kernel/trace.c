/*
 * trace.c - write trace lines as JSON on the console.
 *
 * The writer keeps one flag per nesting level: whether the next member
 * needs a comma before it.  Nesting deeper than TRACE_MAX_DEPTH - 1
 * levels is a programming error: the writer then emits text that is not
 * JSON, so that the parser rejects the line loudly instead of reading an
 * object of the wrong shape.
 */
#include "trace.h"
#include "dev/console.h"

#define TRACE_MAX_DEPTH 8

static int depth;
static int need_comma[TRACE_MAX_DEPTH];
static char closer[TRACE_MAX_DEPTH];    /* '}' or ']' per open level */

static void puts_raw(const char *s)
{
	while (*s)
		console_putc(*s++);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_json_string(const char *s)
{
	static const char hex[] = "0123456789abcdef";

	console_putc('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			console_putc('\\');
			console_putc((char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			puts_raw("\\u00");
			console_putc(hex[c >> 4]);
			console_putc(hex[c & 15]);
		} else {
			console_putc((char)c);
		}
	}
	console_putc('"');
}

/* Comma and "key": before a member; key is NULL inside arrays. */
static void member(const char *key)
{
	if (need_comma[depth])
		console_putc(',');
	need_comma[depth] = 1;
	if (key) {
		put_json_string(key);
		console_putc(':');
	}
}

static void open_level(char bracket)
{
	if (depth + 1 >= TRACE_MAX_DEPTH) {
		puts_raw("<<trace: nesting too deep>>");
		return;
	}
	console_putc(bracket);
	depth++;
	need_comma[depth] = 0;
	closer[depth] = bracket == '{' ? '}' : ']';
}

static void close_level(void)
{
	if (depth > 0)
		console_putc(closer[depth--]);
}

void trace_begin(const char *ev)
{
	depth = 0;
	need_comma[0] = 0;
	puts_raw(TRACE_PREFIX);
	open_level('{');
	trace_str("ev", ev);
}

void trace_end(void)
{
	while (depth > 0)
		close_level();
	console_putc('\n');
}

void trace_str(const char *key, const char *value)
{
	member(key);
	put_json_string(value ? value : "");
}

void trace_u64(const char *key, uint64_t value)
{
	member(key);
	kprintf("%llu", (unsigned long long)value);
}

void trace_i64(const char *key, int64_t value)
{
	member(key);
	kprintf("%lld", (long long)value);
}

void trace_bool(const char *key, int value)
{
	member(key);
	puts_raw(value ? "true" : "false");
}

void trace_null(const char *key)
{
	member(key);
	puts_raw("null");
}

void trace_obj_begin(const char *key)
{
	member(key);
	open_level('{');
}

void trace_obj_end(void)
{
	close_level();
}

void trace_arr_begin(const char *key)
{
	member(key);
	open_level('[');
}

void trace_arr_end(void)
{
	close_level();
}
