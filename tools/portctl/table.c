// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The column engine behind table.h. Rows are kept until table_print()
 * because text columns can only be aligned once every width is known.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_print.h"
#include "table.h"

enum cell_type {
	CELL_NONE,		/* not filled: the row was left short */
	CELL_STR,
	CELL_UINT,
	CELL_INT,
};

struct cell {
	enum cell_type type;
	char *text;		/* what text mode prints, terminal-safe */
	size_t width;		/* columns @text takes */
	char *str;		/* raw values for JSON (str NULL: null) */
	unsigned long long u;
	long long i;
};

struct table {
	const struct column *cols;
	size_t ncols;
	size_t nrows, cap;	/* rows used and allocated */
	size_t next;		/* next column to fill in the last row */
	struct cell *cells;	/* nrows * ncols */
	bool failed;		/* out of memory or too many cells */
};

struct table *table_new(const struct column *cols, size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t) {
		t->cols = cols;
		t->ncols = ncols;
	}
	return t;
}

void table_free(struct table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i].text);
		free(t->cells[i].str);
	}
	free(t->cells);
	free(t);
}

void table_row(struct table *t)
{
	struct cell *cells;
	size_t cap;

	if (!t || t->failed)
		return;
	if (t->nrows == t->cap) {
		cap = t->cap ? 2 * t->cap : 16;
		cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));
		if (!cells) {
			t->failed = true;
			return;
		}
		t->cells = cells;
		t->cap = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0,
	       t->ncols * sizeof(*t->cells));
	t->nrows++;
	t->next = 0;
}

/* The next cell of the current row, or NULL. */
static struct cell *next_cell(struct table *t)
{
	if (!t || t->failed)
		return NULL;
	if (!t->nrows || t->next >= t->ncols) {
		t->failed = true;
		return NULL;
	}
	return &t->cells[(t->nrows - 1) * t->ncols + t->next++];
}

static void set_text(struct table *t, struct cell *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_text(struct table *t, struct cell *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&c->text, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		c->text = NULL;
		t->failed = true;
		return;
	}
	c->width = strlen(c->text);	/* numbers and sizes: ASCII */
}

void table_str(struct table *t, const char *val)
{
	struct cell *c = next_cell(t);

	if (!c)
		return;
	c->type = CELL_STR;
	if (!val) {
		set_text(t, c, "-");
		return;
	}
	c->text = text_escape(val, &c->width);
	c->str = strdup(val);
	if (!c->text || !c->str)
		t->failed = true;
}

void table_uint(struct table *t, unsigned long long val, const char *fmt)
{
	struct cell *c = next_cell(t);

	if (!c)
		return;
	c->type = CELL_UINT;
	c->u = val;
	set_text(t, c, fmt ? fmt : "%llu", val);
}

void table_int(struct table *t, long long val, const char *fmt)
{
	struct cell *c = next_cell(t);

	if (!c)
		return;
	c->type = CELL_INT;
	c->i = val;
	set_text(t, c, fmt ? fmt : "%lld", val);
}

void table_size(struct table *t, unsigned long long bytes)
{
	struct cell *c = next_cell(t);
	char buf[32];

	if (!c)
		return;
	c->type = CELL_UINT;
	c->u = bytes;
	set_text(t, c, "%s", format_size(buf, sizeof(buf), bytes));
}

void table_uint_text(struct table *t, unsigned long long val,
		     const char *text)
{
	struct cell *c = next_cell(t);

	if (!c)
		return;
	c->type = CELL_UINT;
	c->u = val;
	set_text(t, c, "%s", text);
}

static void print_json_rows(const struct table *t, const char *key)
{
	const struct cell *c;
	size_t r, i;

	open_json_array(key);
	for (r = 0; r < t->nrows; r++) {
		open_json_object(NULL);
		for (i = 0; i < t->ncols; i++) {
			c = &t->cells[r * t->ncols + i];
			if (c->type == CELL_UINT)
				print_uint(PRINT_JSON, t->cols[i].key, NULL,
					   c->u);
			else if (c->type == CELL_INT)
				print_int(PRINT_JSON, t->cols[i].key, NULL,
					  c->i);
			else
				print_string(PRINT_JSON, t->cols[i].key, NULL,
					     c->str);
		}
		close_json_object();
	}
	close_json_array();
}

size_t table_rows(const struct table *t)
{
	return t->nrows;
}

/* Index of the last column text mode shows. */
static size_t last_visible(const struct table *t)
{
	size_t i, last = 0;

	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].header)
			last = i;
	return last;
}

/*
 * One text line. Padding is counted in columns, not bytes, so UTF-8 names
 * line up; the last column is not padded (no trailing blanks).
 */
static void print_text_line(const struct table *t, const size_t *width,
			    const char *const *text, const size_t *used)
{
	bool first = true;
	size_t i;
	int pad;

	for (i = 0; i < t->ncols; i++) {
		if (!t->cols[i].header)
			continue;
		pad = (int)(width[i] - used[i]);
		if (!first)
			print_text("  ");
		first = false;
		if (t->cols[i].align == COL_RIGHT)
			print_text("%*s%s", pad, "", text[i]);
		else if (i != last_visible(t))
			print_text("%s%*s", text[i], pad, "");
		else
			print_text("%s", text[i]);
	}
	print_nl();
}

static void print_text_rows(const struct table *t, bool header)
{
	const struct cell *c;
	const char **text;
	size_t *width, *used;
	size_t r, i;

	width = calloc(t->ncols, sizeof(*width));
	used = calloc(t->ncols, sizeof(*used));
	text = calloc(t->ncols, sizeof(*text));
	if (!width || !used || !text)
		goto out;
	for (i = 0; i < t->ncols; i++)
		width[i] = header && t->cols[i].header ?
			   strlen(t->cols[i].header) : 0;
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			c = &t->cells[r * t->ncols + i];
			if (c->width > width[i])
				width[i] = c->width;
		}
	if (header) {
		for (i = 0; i < t->ncols; i++) {
			text[i] = t->cols[i].header ? t->cols[i].header : "";
			used[i] = strlen(text[i]);
		}
		print_text_line(t, width, text, used);
	}
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			c = &t->cells[r * t->ncols + i];
			text[i] = c->text;
			used[i] = c->width;
		}
		print_text_line(t, width, text, used);
	}
out:
	free(width);
	free(used);
	free(text);
}

int table_print(struct table *t, const char *key, bool header)
{
	size_t r, i;

	if (!t || t->failed)
		return -1;
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if (t->cells[r * t->ncols + i].type == CELL_NONE)
				return -1;
	if (is_json())
		print_json_rows(t, key);
	else
		print_text_rows(t, header);
	return 0;
}
