// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdlib.h>
#include <string.h>
#include "json_print.h"
#include "objprint.h"

static const char *visible_header(const char *key,
				  const struct text_col *visible, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(visible[i].key, key))
			return visible[i].header;
	return NULL;
}

struct column *columns_for(const char *first_key, const char *first_header,
			   const struct field *fields,
			   const struct text_col *visible, size_t nvisible,
			   size_t *ncols)
{
	const struct field *f;
	struct column *cols;
	size_t n = first_key ? 1 : 0;

	for (f = fields; f->key; f++)
		n++;
	cols = calloc(n, sizeof(*cols));
	if (!cols)
		return NULL;
	n = 0;
	if (first_key)
		cols[n++] = (struct column){ first_key, first_header, COL_LEFT };
	for (f = fields; f->key; f++)
		cols[n++] = (struct column){
			f->key, visible_header(f->key, visible, nvisible),
			COL_RIGHT,
		};
	*ncols = n;
	return cols;
}

/* Connection states (struct lpc_conn_info.state) for people. */
static const char *state_name(unsigned long long state)
{
	switch (state) {
	case 1:
		return "connecting";
	case 2:
		return "connected";
	default:
		return "?";
	}
}

void table_add_fields(struct table *t, const struct field *fields,
		      const void *obj)
{
	const struct field *f;
	unsigned long long v;
	char buf[32];

	for (f = fields; f->key; f++) {
		v = field_get(f, obj);
		switch (f->fmt) {
		case FMT_SIGNED:
			table_int(t, (long long)v, NULL);
			break;
		case FMT_SIZE:
			table_size(t, v);
			break;
		case FMT_TIME:
			table_uint_text(t, v, format_time_ns(buf, sizeof(buf),
							     v));
			break;
		case FMT_HEX:
			table_uint(t, v, "%#llx");
			break;
		case FMT_STATE:
			table_uint_text(t, v, state_name(v));
			break;
		case FMT_BYTES:
			table_uint_text(t, v, format_bytes(buf, sizeof(buf),
							   v));
			break;
		default:
			table_uint(t, v, NULL);
			break;
		}
	}
}

void print_fields(const struct field *fields, const void *obj)
{
	const struct field *f;
	unsigned long long v;
	char buf[32], fmt[32];

	for (f = fields; f->key; f++) {
		v = field_get(f, obj);
		/* text: an indented, aligned "key value" line per field */
		print_text("    %-18s ", f->key);
		snprintf(fmt, sizeof(fmt), "%s\n",
			 f->fmt == FMT_HEX ? "%#llx" : "%llu");
		switch (f->fmt) {
		case FMT_SIGNED:
			print_int(PRINT_ANY, f->key, "%lld\n", (long long)v);
			break;
		case FMT_SIZE:
			print_size(PRINT_ANY, f->key, "%s\n", v);
			break;
		case FMT_TIME:
			print_uint(PRINT_JSON, f->key, NULL, v);
			print_text("%s\n", format_time_ns(buf, sizeof(buf), v));
			break;
		case FMT_STATE:
			print_uint(PRINT_JSON, f->key, NULL, v);
			print_text("%s\n", state_name(v));
			break;
		case FMT_BYTES:
			print_uint(PRINT_JSON, f->key, NULL, v);
			print_text("%s\n", format_bytes(buf, sizeof(buf), v));
			break;
		default:
			print_uint(PRINT_ANY, f->key, fmt, v);
			break;
		}
	}
}
