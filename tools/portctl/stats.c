// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl stats [NAME]: the counters of one port, or a table of every
 * port the caller may query (LPC_IOC_PORT_INFO, LPC_IOC_PORT_LIST).
 * Text humanizes byte counts; JSON has them raw.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_print.h"
#include "main.h"
#include "objprint.h"
#include "source.h"

static const struct text_col stats_text[] = {
	{ "connects",		"CONNECTS" },
	{ "accepted",		"ACCEPTED" },
	{ "refused",		"REFUSED" },
	{ "denied",		"DENIED" },
	{ "msgs_in",		"MSGS_IN" },
	{ "bytes_in",		"BYTES_IN" },
	{ "msgs_out",		"MSGS_OUT" },
	{ "bytes_out",		"BYTES_OUT" },
	{ "lost_replies",	"LOST" },
};

static const struct text_col share_text[] = {
	{ "serial",		"CONN" },
	{ "client_pid",		"PID" },
	{ "held",		"HELD" },
	{ "held_bytes",		"HELD_BYTES" },
	{ "async",		"ASYNC" },
};

static int stats_help(void)
{
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	printf("Usage: portctl stats [ NAME | help ]\n"
	       "\n"
	       "The counters of port NAME, or a table of every port: connects,\n"
	       "accepted, refused, denied, messages and bytes in and out, lost\n"
	       "replies. For one port, also what each connection holds of its\n"
	       "share: messages and bytes held by the port, asynchronous\n"
	       "requests outstanding.\n");
	return EXIT_OK;
}

static int add_stats_row(const struct lpc_port_info *p, void *arg)
{
	struct table *t = arg;

	table_row(t);
	table_str(t, (const char *)p->name);
	table_add_fields(t, stats_fields, p);
	return 0;
}

static int stats_all(void)
{
	struct source src;
	struct column *cols;
	struct table *t;
	size_t ncols;
	int ret;

	cols = columns_for("name", "NAME", stats_fields, stats_text,
			   sizeof(stats_text) / sizeof(stats_text[0]), &ncols);
	t = cols ? table_new(cols, ncols) : NULL;
	ret = t ? source_open(&src) : -ENOMEM;
	if (ret == 0) {
		ret = source_ports(&src, add_stats_row, t);
		source_close(&src);
	}
	if (ret == 0 && table_print(t, NULL, !opts.no_header))
		ret = -ENOMEM;
	if (ret == -ENOMEM)
		p_err("out of memory");
	table_free(t);
	free(cols);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int add_share_row(const struct lpc_conn_info *c, void *arg)
{
	struct table *t = arg;

	table_row(t);
	table_add_fields(t, share_fields, c);
	return 0;
}

static int stats_one(const char *name)
{
	struct lpc_port_info info;
	struct column *cols;
	struct table *t;
	struct source src;
	char size[32];
	size_t ncols;
	int ret;

	cols = columns_for(NULL, NULL, share_fields, share_text,
			   sizeof(share_text) / sizeof(share_text[0]), &ncols);
	t = cols ? table_new(cols, ncols) : NULL;
	ret = t ? source_open(&src) : -ENOMEM;
	if (ret == 0) {
		ret = source_port(&src, name, &info);
		if (ret == 0)
			ret = source_conns(&src, name, add_share_row, t);
		source_close(&src);
	}
	if (ret == 0) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "port %s\n",
			     (const char *)info.name);
		print_fields(stats_fields, &info);
		print_uint(PRINT_JSON, "max_conn_queued", NULL,
			   info.max_conn_queued);
		print_uint(PRINT_JSON, "max_conn_bytes", NULL,
			   info.max_conn_bytes);
		if (!is_json())
			printf("    %-18s %u messages, %s\n\n",
			       "conn_share", info.max_conn_queued,
			       format_size(size, sizeof(size),
					   info.max_conn_bytes));
		/* No header over no rows: say it in words instead. */
		if (!is_json() && !table_rows(t))
			printf("no connections\n");
		else if (table_print(t, "connections", !opts.no_header))
			ret = -ENOMEM;
		close_json_object();
	}
	if (ret == -ENOMEM)
		p_err("out of memory");
	table_free(t);
	free(cols);
	return ret ? EXIT_FAIL : EXIT_OK;
}

int do_stats(int argc, char **argv)
{
	if (argc == 0)
		return stats_all();
	if (argc > 1) {
		p_err("one NAME only");
		return EXIT_USAGE;
	}
	/* A port may be called "help": only the exact word asks for it. */
	if (!strcmp(argv[0], "help"))
		return stats_help();
	return stats_one(argv[0]);
}
