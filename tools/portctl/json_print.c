// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The output layer: a small streaming JSON writer and the print_*()
 * functions that route each value to JSON or to text.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "json_print.h"

#define MAX_DEPTH	16

static struct {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	int top_values;			/* values printed at depth 0 */
	bool first[MAX_DEPTH];		/* nothing printed yet at this level */
	bool array[MAX_DEPTH];		/* this level is an array */
} o = { .out = NULL };

void output_init(FILE *out, bool json, bool pretty)
{
	memset(&o, 0, sizeof(o));
	o.out = out;
	o.json = json || pretty;
	o.pretty = pretty;
}

bool is_json(void)
{
	return o.json;
}

void output_finish(void)
{
	if (o.json && o.top_values)
		fputc('\n', o.out);
	fflush(o.out);
}

int output_flush_line(void)
{
	if (o.json && o.depth == 0 && o.top_values) {
		fputc('\n', o.out);
		o.top_values = 0;
	}
	return fflush(o.out) || ferror(o.out) ? -1 : 0;
}

static void indent(void)
{
	int i;

	fputc('\n', o.out);
	for (i = 0; i < o.depth; i++)
		fputs("    ", o.out);
}

size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogate or beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Quote a string for JSON. Bytes that are not valid UTF-8 become the code
 * point of the same value (\u00XX), so the output always parses.
 */
static void json_quote(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;

	fputc('"', o.out);
	while (n) {
		len = utf8_len(s, n);
		if (len > 1) {
			fwrite(s, 1, len, o.out);
		} else if (*s == '"' || *s == '\\') {
			fprintf(o.out, "\\%c", *s);
		} else if (*s == '\n') {
			fputs("\\n", o.out);
		} else if (*s == '\t') {
			fputs("\\t", o.out);
		} else if (*s < 0x20 || *s == 0x7f || len == 0) {
			fprintf(o.out, "\\u%04x", *s);
		} else {
			fputc(*s, o.out);
		}
		len = len ? len : 1;
		s += len;
		n -= len;
	}
	fputc('"', o.out);
}

/* Separator, indentation and "key": before a value at the current level. */
static void json_key(const char *key)
{
	if (o.depth == 0) {
		if (o.top_values++)
			fputc('\n', o.out);
		return;
	}
	if (!o.first[o.depth])
		fputc(',', o.out);
	o.first[o.depth] = false;
	if (o.pretty)
		indent();
	if (key && !o.array[o.depth]) {
		json_quote(key);
		fputs(o.pretty ? ": " : ":", o.out);
	}
}

static void json_open(const char *key, char c, bool array)
{
	if (!o.json || o.depth + 1 >= MAX_DEPTH)
		return;
	json_key(key);
	fputc(c, o.out);
	o.depth++;
	o.first[o.depth] = true;
	o.array[o.depth] = array;
}

static void json_close(char c)
{
	bool empty;

	if (!o.json || o.depth == 0)
		return;
	empty = o.first[o.depth];
	o.depth--;
	if (o.pretty && !empty)
		indent();
	fputc(c, o.out);
}

void open_json_object(const char *key)
{
	json_open(key, '{', false);
}

void close_json_object(void)
{
	json_close('}');
}

void open_json_array(const char *key)
{
	json_open(key, '[', true);
}

void close_json_array(void)
{
	json_close(']');
}

/* Should this call print, and in which mode? */
static bool want_json(enum output_type t)
{
	return o.json && (t & PRINT_JSON);
}

static bool want_text(enum output_type t, const char *fmt)
{
	return !o.json && (t & PRINT_FP) && fmt;
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *val)
{
	if (want_json(t)) {
		json_key(key);
		if (val)
			json_quote(val);
		else
			fputs("null", o.out);
	} else if (want_text(t, fmt)) {
		/* Names come from other users: no terminal escapes. */
		char *safe = text_escape(val ? val : "", NULL);

		fprintf(o.out, fmt, safe ? safe : "?");
		free(safe);
	}
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned long long val)
{
	if (want_json(t)) {
		json_key(key);
		fprintf(o.out, "%llu", val);
	} else if (want_text(t, fmt)) {
		fprintf(o.out, fmt, val);
	}
}

void print_int(enum output_type t, const char *key, const char *fmt,
	       long long val)
{
	if (want_json(t)) {
		json_key(key);
		fprintf(o.out, "%lld", val);
	} else if (want_text(t, fmt)) {
		fprintf(o.out, fmt, val);
	}
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool val)
{
	if (want_json(t)) {
		json_key(key);
		fputs(val ? "true" : "false", o.out);
	} else if (want_text(t, fmt)) {
		fprintf(o.out, fmt, val ? "yes" : "no");
	}
}

void print_null(enum output_type t, const char *key, const char *fmt)
{
	if (want_json(t)) {
		json_key(key);
		fputs("null", o.out);
	} else if (want_text(t, fmt)) {
		fprintf(o.out, fmt, "none");
	}
}

const char *format_size(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB" };
	unsigned int i = 0;

	/* Only exact multiples: a limit of 65535 must not read "64 KiB". */
	while (i < 3 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu %s", bytes, unit[i]);
	return buf;
}

void print_size(enum output_type t, const char *key, const char *fmt,
		unsigned long long bytes)
{
	char buf[32];

	if (want_json(t))
		print_uint(PRINT_JSON, key, NULL, bytes);
	else if (want_text(t, fmt))
		fprintf(o.out, fmt, format_size(buf, sizeof(buf), bytes));
}

void print_nl(void)
{
	if (!o.json)
		fputc('\n', o.out);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (o.json)
		return;
	va_start(ap, fmt);
	vfprintf(o.out, fmt, ap);
	va_end(ap);
}

void print_error(const char *msg)
{
	if (!o.json) {
		fflush(o.out);
		fprintf(stderr, "Error: %s\n", msg);
		return;
	}
	if (o.depth == 0) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "error", NULL, msg);
		close_json_object();
	} else if (o.array[o.depth]) {
		/* inside an array a member needs an object of its own */
		open_json_object(NULL);
		print_string(PRINT_JSON, "error", NULL, msg);
		close_json_object();
	} else {
		print_string(PRINT_JSON, "error", NULL, msg);
	}
}

char *text_escape(const char *str, size_t *width)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len, w = 0;
	char *buf, *p;

	/* worst case: every byte becomes \xNN */
	buf = malloc(4 * n + 1);
	if (!buf)
		return NULL;
	for (p = buf; n; s += len, n -= len, w++) {
		len = utf8_len(s, n);
		if (len > 1 || (len == 1 && *s >= 0x20 && *s != 0x7f)) {
			memcpy(p, s, len);
			p += len;
			continue;
		}
		len = 1;
		p += sprintf(p, "\\x%02x", *s);
		w += 3;
	}
	*p = '\0';
	if (width)
		*width = w;
	return buf;
}
