// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl conn { list PORT | help }: the connections of one connection
 * port (LPC_IOC_CONN_LIST).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "json_print.h"
#include "main.h"
#include "objprint.h"
#include "source.h"

static const struct text_col conn_text[] = {
	{ "serial",		"SERIAL" },
	{ "context",		"CONTEXT" },
	{ "client_pid",		"PID" },
	{ "client_uid",		"UID" },
	{ "client_gid",		"GID" },
	{ "state",		"STATE" },
	{ "connected_ns",	"SINCE" },
	{ "pending",		"PENDING" },
	{ "queued",		"QUEUED" },
	{ "held",		"HELD" },
	{ "async",		"ASYNC" },
	{ "held_bytes",		"HELD_BYTES" },
};

static int conn_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	printf("Usage: portctl conn { list PORT | help }\n"
	       "\n"
	       "list   the connections of connection port PORT\n");
	return EXIT_OK;
}

static int add_conn_row(const struct lpc_conn_info *c, void *arg)
{
	struct table *t = arg;

	table_row(t);
	table_add_fields(t, conn_fields, c);
	return 0;
}

static int do_conn_list(int argc, char **argv)
{
	struct source src;
	struct column *cols;
	struct table *t;
	size_t ncols;
	int ret;

	if (argc != 1) {
		p_err(argc ? "one PORT only" : "which port? portctl conn list PORT");
		return EXIT_USAGE;
	}
	cols = columns_for(NULL, NULL, conn_fields, conn_text,
			   sizeof(conn_text) / sizeof(conn_text[0]), &ncols);
	t = cols ? table_new(cols, ncols) : NULL;
	ret = t ? source_open(&src) : -ENOMEM;
	if (ret == 0) {
		ret = source_conns(&src, argv[0], add_conn_row, t);
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

static const struct cmd conn_cmds[] = {
	{ "list",	do_conn_list },
	{ "help",	conn_help },
	{ NULL,		NULL },
};

int do_conn(int argc, char **argv)
{
	return cmd_select(conn_cmds, argc, argv, conn_help);
}
