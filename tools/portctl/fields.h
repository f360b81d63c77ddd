/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The numeric fields of the query structs, by name. The names are the
 * uapi field names; they are the JSON keys and the replay file keys, so
 * the three cannot disagree.
 */
#ifndef PORTCTL_FIELDS_H
#define PORTCTL_FIELDS_H

#include <stddef.h>

enum field_fmt {
	FMT_NUM,	/* a count or id */
	FMT_SIGNED,	/* a pid */
	FMT_SIZE,	/* bytes */
	FMT_TIME,	/* CLOCK_REALTIME nanoseconds */
	FMT_HEX,	/* flags, contexts */
	FMT_STATE,	/* a connection state */
	FMT_BYTES,	/* a byte counter: "1.5 KiB" in text */
};

struct field {
	const char *key;
	size_t offset;
	size_t size;		/* 4 or 8 */
	enum field_fmt fmt;
};

/* NULL-terminated tables for struct lpc_port_info and lpc_conn_info. */
extern const struct field port_fields[];
extern const struct field conn_fields[];
/* The fields of struct lpc_version, for replay files (tests/replay.c). */
extern const struct field version_fields[];
/* The counters of struct lpc_port_info (portctl stats). */
extern const struct field stats_fields[];
extern const struct field share_fields[];
/* struct lpc_ace, for replay files. */
extern const struct field ace_fields[];

const struct field *field_find(const struct field *table, const char *key);
unsigned long long field_get(const struct field *f, const void *obj);
void field_set(const struct field *f, void *obj, unsigned long long val);

/* "2026-11-24 22:13:29" (local time) into @buf. */
const char *format_time_ns(char *buf, size_t len, unsigned long long ns);

/* A byte count for people, rounded: "512 B", "1.5 KiB", "12 MiB". */
const char *format_bytes(char *buf, size_t len, unsigned long long bytes);

#endif /* PORTCTL_FIELDS_H */
