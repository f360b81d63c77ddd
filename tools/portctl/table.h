/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Tables for list/show commands: fill cells row by row, then print once.
 * Text mode aligns the columns under a header (unless -H); JSON mode
 * prints an array of objects keyed by column. Both come from the same
 * cells: each keeps its raw value for JSON and its text for people.
 *
 *	static const struct column cols[] = {
 *		{ "name",  "NAME",  COL_LEFT },
 *		{ "conns", "CONNS", COL_RIGHT },
 *	};
 *	struct table *t = table_new(cols, 2);
 *	table_row(t);
 *	table_str(t, name);
 *	table_uint(t, nconns, "%llu");
 *	table_print(t, "ports", show_header);
 *	table_free(t);
 */
#ifndef PORTCTL_TABLE_H
#define PORTCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

enum col_align {
	COL_LEFT,
	COL_RIGHT,
};

struct column {
	const char *key;	/* JSON key */
	const char *header;	/* text header; NULL: a JSON-only column */
	enum col_align align;
};

struct table;

/* NULL when out of memory; cells added to a NULL table are ignored. */
struct table *table_new(const struct column *cols, size_t ncols);
void table_free(struct table *t);

/* Start a row; then one cell per column, in column order. */
void table_row(struct table *t);
void table_str(struct table *t, const char *val);
/* @fmt formats @val for text (e.g. "%llu", "%#llx"); JSON gets the number. */
void table_uint(struct table *t, unsigned long long val, const char *fmt);
void table_int(struct table *t, long long val, const char *fmt);
/* Bytes: raw in JSON, "64 KiB" in text. */
void table_size(struct table *t, unsigned long long bytes);
/* A number for JSON shown as @text (a time, a state name). */
void table_uint_text(struct table *t, unsigned long long val,
		     const char *text);

/* @key names the JSON array; -1 if a cell was missing or memory ran out. */
int table_print(struct table *t, const char *key, bool header);
/* Rows added so far. */
size_t table_rows(const struct table *t);

#endif /* PORTCTL_TABLE_H */
