// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <liblpc.h>
#include "fields.h"

#define FIELD(type, name, fmt) \
	{ #name, offsetof(struct type, name), \
	  sizeof(((struct type *)0)->name), fmt }

const struct field port_fields[] = {
	FIELD(lpc_port_info, serial, FMT_NUM),
	FIELD(lpc_port_info, flags, FMT_HEX),
	FIELD(lpc_port_info, owner_uid, FMT_NUM),
	FIELD(lpc_port_info, owner_gid, FMT_NUM),
	FIELD(lpc_port_info, server_pid, FMT_SIGNED),
	FIELD(lpc_port_info, created_ns, FMT_TIME),
	FIELD(lpc_port_info, max_msg_len, FMT_SIZE),
	FIELD(lpc_port_info, max_conn_data_len, FMT_SIZE),
	FIELD(lpc_port_info, max_queued, FMT_NUM),
	FIELD(lpc_port_info, max_conns, FMT_NUM),
	FIELD(lpc_port_info, nr_conns, FMT_NUM),
	FIELD(lpc_port_info, nr_queued, FMT_NUM),
	FIELD(lpc_port_info, queued_bytes, FMT_SIZE),
	FIELD(lpc_port_info, connects, FMT_NUM),
	FIELD(lpc_port_info, accepted, FMT_NUM),
	FIELD(lpc_port_info, refused, FMT_NUM),
	FIELD(lpc_port_info, denied, FMT_NUM),
	FIELD(lpc_port_info, msgs_in, FMT_NUM),
	FIELD(lpc_port_info, bytes_in, FMT_SIZE),
	FIELD(lpc_port_info, msgs_out, FMT_NUM),
	FIELD(lpc_port_info, bytes_out, FMT_SIZE),
	FIELD(lpc_port_info, lost_replies, FMT_NUM),
	FIELD(lpc_port_info, max_conn_queued, FMT_NUM),
	FIELD(lpc_port_info, max_conn_bytes, FMT_SIZE),
	{ NULL, 0, 0, FMT_NUM }
};

const struct field conn_fields[] = {
	FIELD(lpc_conn_info, serial, FMT_NUM),
	FIELD(lpc_conn_info, context, FMT_HEX),
	FIELD(lpc_conn_info, client_pid, FMT_SIGNED),
	FIELD(lpc_conn_info, client_uid, FMT_NUM),
	FIELD(lpc_conn_info, client_gid, FMT_NUM),
	FIELD(lpc_conn_info, state, FMT_STATE),
	FIELD(lpc_conn_info, connected_ns, FMT_TIME),
	FIELD(lpc_conn_info, pending, FMT_NUM),
	FIELD(lpc_conn_info, queued, FMT_NUM),
	FIELD(lpc_conn_info, held, FMT_NUM),
	FIELD(lpc_conn_info, async, FMT_NUM),
	FIELD(lpc_conn_info, held_bytes, FMT_SIZE),
	{ NULL, 0, 0, FMT_NUM }
};

const struct field version_fields[] = {
	FIELD(lpc_version, api_version, FMT_NUM),
	FIELD(lpc_version, max_name_len, FMT_NUM),
	FIELD(lpc_version, features, FMT_HEX),
	FIELD(lpc_version, max_msg_len, FMT_SIZE),
	FIELD(lpc_version, module_version, FMT_HEX),
	{ NULL, 0, 0, FMT_NUM }
};

const struct field stats_fields[] = {
	FIELD(lpc_port_info, connects, FMT_NUM),
	FIELD(lpc_port_info, accepted, FMT_NUM),
	FIELD(lpc_port_info, refused, FMT_NUM),
	FIELD(lpc_port_info, denied, FMT_NUM),
	FIELD(lpc_port_info, msgs_in, FMT_NUM),
	FIELD(lpc_port_info, bytes_in, FMT_BYTES),
	FIELD(lpc_port_info, msgs_out, FMT_NUM),
	FIELD(lpc_port_info, bytes_out, FMT_BYTES),
	FIELD(lpc_port_info, lost_replies, FMT_NUM),
	{ NULL, 0, 0, FMT_NUM }
};

/* What each connection uses of its share of the port (portctl stats). */
const struct field share_fields[] = {
	FIELD(lpc_conn_info, serial, FMT_NUM),
	FIELD(lpc_conn_info, client_pid, FMT_SIGNED),
	FIELD(lpc_conn_info, held, FMT_NUM),
	FIELD(lpc_conn_info, held_bytes, FMT_BYTES),
	FIELD(lpc_conn_info, async, FMT_NUM),
	{ NULL, 0, 0, FMT_NUM }
};

const struct field ace_fields[] = {
	FIELD(lpc_ace, action, FMT_NUM),
	FIELD(lpc_ace, who, FMT_NUM),
	FIELD(lpc_ace, id, FMT_NUM),
	FIELD(lpc_ace, rights, FMT_HEX),
	{ NULL, 0, 0, FMT_NUM }
};

const struct field *field_find(const struct field *table, const char *key)
{
	for (; table->key; table++)
		if (!strcmp(table->key, key))
			return table;
	return NULL;
}

unsigned long long field_get(const struct field *f, const void *obj)
{
	const char *p = (const char *)obj + f->offset;
	uint32_t v32;
	uint64_t v64;

	if (f->size == 8) {
		memcpy(&v64, p, 8);
		return v64;
	}
	memcpy(&v32, p, 4);
	/* pids are signed: keep -1 as -1 once widened */
	if (f->fmt == FMT_SIGNED)
		return (unsigned long long)(long long)(int32_t)v32;
	return v32;
}

void field_set(const struct field *f, void *obj, unsigned long long val)
{
	char *p = (char *)obj + f->offset;
	uint32_t v32 = (uint32_t)val;
	uint64_t v64 = val;

	if (f->size == 8)
		memcpy(p, &v64, 8);
	else
		memcpy(p, &v32, 4);
}

const char *format_time_ns(char *buf, size_t len, unsigned long long ns)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (!ns || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

const char *format_bytes(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned long long tenths;
	unsigned int i = 0;

	while (i < 4 && v >= 1024) {
		v /= 1024;
		i++;
	}
	if (!i) {
		snprintf(buf, len, "%llu B", bytes);
		return buf;
	}
	tenths = (unsigned long long)(v * 10 + 0.5);
	if (tenths >= 100)
		snprintf(buf, len, "%llu %s", (unsigned long long)(v + 0.5),
			 unit[i]);
	else if (tenths % 10 == 0)
		snprintf(buf, len, "%llu %s", tenths / 10, unit[i]);
	else
		snprintf(buf, len, "%llu.%llu %s", tenths / 10, tenths % 10,
			 unit[i]);
	return buf;
}
