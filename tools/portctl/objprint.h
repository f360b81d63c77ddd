/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Printing query structs field by field (fields.h), as table columns for
 * list commands and as a block for show commands. JSON always gets every
 * field, raw; text shows the chosen ones, humanized.
 */
#ifndef PORTCTL_OBJPRINT_H
#define PORTCTL_OBJPRINT_H

#include "fields.h"
#include "table.h"

/* A field text mode shows as a column, under @header. */
struct text_col {
	const char *key;
	const char *header;
};

/*
 * Columns for a list: an optional first string column (@first_key, e.g.
 * the port name, @first_header) and one per field of @fields, visible in
 * text when named in @visible. free() the result.
 */
struct column *columns_for(const char *first_key, const char *first_header,
			   const struct field *fields,
			   const struct text_col *visible, size_t nvisible,
			   size_t *ncols);

/* One cell per field of @fields, in order, from @obj. */
void table_add_fields(struct table *t, const struct field *fields,
		      const void *obj);

/* Every field as "key value" lines (text) or members (JSON). */
void print_fields(const struct field *fields, const void *obj);

#endif /* PORTCTL_OBJPRINT_H */
