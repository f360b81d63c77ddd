// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Prints one table through the column engine, in the mode given:
 * table_test { text | noheader | json | pretty }. tests/run.sh compares
 * the output with tests/table.txt and tests/table.json.
 */
#include <stdio.h>
#include <string.h>
#include "json_print.h"
#include "table.h"

static const struct column cols[] = {
	{ "name",	 "NAME",	COL_LEFT },
	{ "conns",	 "CONNS",	COL_RIGHT },
	{ "max_msg_len", "MAXMSG",	COL_RIGHT },
	{ "delta",	 "DELTA",	COL_RIGHT },
	{ "owner",	 "OWNER",	COL_LEFT },
};

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "text";
	bool json = !strcmp(mode, "json") || !strcmp(mode, "pretty");
	struct table *t;
	int ret;

	output_init(stdout, json, !strcmp(mode, "pretty"));
	t = table_new(cols, sizeof(cols) / sizeof(cols[0]));

	table_row(t);
	table_str(t, "\\RPC Control\\lpc-demo");
	table_uint(t, 3, NULL);
	table_size(t, 4096);
	table_int(t, -2, NULL);
	table_str(t, "root");

	/* JSON escaping: quotes, a control byte, UTF-8, an invalid byte */
	table_row(t);
	table_str(t, "say \"hi\"\t\xc3\xa9t\xc3\xa9 \xff");
	table_uint(t, 1048576, NULL);
	table_size(t, 65535);
	table_int(t, 7, "%+lld");
	table_str(t, NULL);

	ret = table_print(t, "ports", strcmp(mode, "noheader") != 0);
	table_free(t);
	output_finish();
	return ret ? 1 : 0;
}
