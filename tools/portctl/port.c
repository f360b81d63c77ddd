// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl port { list | show NAME | help }: the connection ports the
 * caller may query (LPC_IOC_PORT_LIST, LPC_IOC_PORT_INFO).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "json_print.h"
#include "main.h"
#include "objprint.h"
#include "source.h"

/* What the text table shows; JSON has every field. */
static const struct text_col port_text[] = {
	{ "owner_uid",	"UID" },
	{ "server_pid",	"PID" },
	{ "nr_conns",	"CONNS" },
	{ "nr_queued",	"QUEUED" },
	{ "msgs_in",	"IN" },
	{ "msgs_out",	"OUT" },
};

static int port_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	printf("Usage: portctl port { list | show NAME | help }\n"
	       "\n"
	       "list   the connection ports you may query, one per line\n"
	       "show   everything the module reports about port NAME\n");
	return EXIT_OK;
}

static int add_port_row(const struct lpc_port_info *p, void *arg)
{
	struct table *t = arg;

	table_row(t);
	table_str(t, (const char *)p->name);
	table_add_fields(t, port_fields, p);
	return 0;
}

static int do_port_list(int argc, char **argv)
{
	struct source src;
	struct column *cols;
	struct table *t;
	size_t ncols;
	int ret;

	if (argc > 0) {
		p_err("unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	cols = columns_for("name", "NAME", port_fields, port_text,
			   sizeof(port_text) / sizeof(port_text[0]), &ncols);
	t = cols ? table_new(cols, ncols) : NULL;
	ret = t ? source_open(&src) : -ENOMEM;
	if (ret == 0) {
		ret = source_ports(&src, add_port_row, t);
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

static int do_port_show(int argc, char **argv)
{
	struct lpc_port_info info;
	struct source src;
	int ret;

	if (argc != 1) {
		p_err(argc ? "one NAME only" : "which port? portctl port show NAME");
		return EXIT_USAGE;
	}
	ret = source_open(&src);
	if (ret)
		return EXIT_FAIL;
	ret = source_port(&src, argv[0], &info);
	source_close(&src);
	if (ret)
		return EXIT_FAIL;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "port %s\n", (const char *)info.name);
	print_fields(port_fields, &info);
	close_json_object();
	return EXIT_OK;
}

static const struct cmd port_cmds[] = {
	{ "list",	do_port_list },
	{ "show",	do_port_show },
	{ "help",	port_help },
	{ NULL,		NULL },
};

int do_port(int argc, char **argv)
{
	/* Plain "portctl port" lists, as "bpftool prog" shows. */
	if (argc == 0)
		return do_port_list(0, argv);
	return cmd_select(port_cmds, argc, argv, NULL);
}
