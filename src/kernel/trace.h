/**
 * @file
 * trace.h - the machine-readable trace: one JSON object per line.
 *
 * A trace line is the prefix TRACE_PREFIX followed by one JSON object
 * whose "ev" member names the event.  Readable text and trace lines are
 * mixed on the same console; tests/svmtrace.py is the one parser.  The
 * events and their members are specified in docs/trace-format.md.
 *
 * Usage, building {"ev":"check","ch":2,"name":"svm.efer","ok":true}:
 *
 *     trace_begin("check");
 *     trace_u64("ch", 2);
 *     trace_str("name", "svm.efer");
 *     trace_bool("ok", 1);
 *     trace_end();
 *
 * Inside an array, pass NULL as the key.
 */
#ifndef SVMLAB_KERNEL_TRACE_H
#define SVMLAB_KERNEL_TRACE_H

#include <stdint.h>

/** Every trace line starts with this prefix. */
#define TRACE_PREFIX "@svmlab "

/** Start a trace line for event @p ev. */
void trace_begin(const char *ev);
/** End the current trace line. */
void trace_end(void);
/** Add a string member (escaped as JSON requires). */
void trace_str(const char *key, const char *value);
/** Add an unsigned integer member. */
void trace_u64(const char *key, uint64_t value);
/** Add a signed integer member. */
void trace_i64(const char *key, int64_t value);
/** Add a boolean member. */
void trace_bool(const char *key, int value);
/** Add a member whose value is JSON null. */
void trace_null(const char *key);
/** Open a nested object member. */
void trace_obj_begin(const char *key);
/** Close the innermost object. */
void trace_obj_end(void);
/** Open an array member. */
void trace_arr_begin(const char *key);
/** Close the innermost array. */
void trace_arr_end(void);

#endif /* SVMLAB_KERNEL_TRACE_H */
