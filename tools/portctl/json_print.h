/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One printer for both output formats: every value is printed with a
 * single print_*() call that carries its JSON key and its text format, so
 * JSON and text cannot drift apart.
 *
 *	print_uint(PRINT_ANY, "max_msg_len", "message %llu", v);
 *
 * PRINT_ANY prints in either mode, PRINT_JSON only in JSON mode (raw
 * values text leaves out), PRINT_FP only in text mode (decoration). In
 * text mode @fmt is a printf format for the value; a NULL @fmt prints
 * nothing. JSON values are raw (numbers stay numbers); text is for people.
 */
#ifndef PORTCTL_JSON_PRINT_H
#define PORTCTL_JSON_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/* Select the mode once, before printing; pretty implies json. */
void output_init(FILE *out, bool json, bool pretty);
bool is_json(void);
/* Ends JSON output with a newline; call once at exit. */
void output_finish(void);
/*
 * For streams: end the top-level value just printed with a newline and
 * flush, so each one is a line a reader gets at once (JSON lines); in
 * text mode only flush. Returns -1 if the output failed (a closed pipe).
 */
int output_flush_line(void);

/* Containers exist only in JSON; in text mode they print nothing. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *val);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned long long val);
void print_int(enum output_type t, const char *key, const char *fmt,
	       long long val);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool val);
void print_null(enum output_type t, const char *key, const char *fmt);
/* Bytes: a raw number in JSON, "64 KiB" style in text (@fmt takes %s). */
void print_size(enum output_type t, const char *key, const char *fmt,
		unsigned long long bytes);
/* A newline in text mode; nothing in JSON. */
void print_nl(void);
/* Free-form text (labels, padding); nothing in JSON. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * An error: "Error: msg" on stderr in text mode; in JSON mode an "error"
 * member on stdout (a whole {"error": ...} object if none is open), so
 * stdout stays parseable.
 */
void print_error(const char *msg);

/*
 * Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0.
 * JSON must be UTF-8, but port names and data may be any bytes.
 */
size_t utf8_len(const unsigned char *s, size_t n);

/*
 * A copy of @str safe for a terminal: control bytes and bytes that are
 * not UTF-8 become \xNN. *@width gets the columns it takes (code points).
 * NULL when out of memory; free() the result.
 */
char *text_escape(const char *str, size_t *width);

/* Human-readable size into @buf: "255 B", "64 KiB", "1 MiB". */
const char *format_size(char *buf, size_t len, unsigned long long bytes);

#endif /* PORTCTL_JSON_PRINT_H */
