// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl: inspect lpc ports. Option parsing and command dispatch.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_print.h"
#include "main.h"

struct portctl_opts opts;

static int do_help(int argc, char **argv);

/* Objects, in the order help lists them. */
static const struct cmd objects[] = {
	{ "version",	do_version },
	{ "port",	do_port },
	{ "conn",	do_conn },
	{ "acl",	do_acl },
	{ "stats",	do_stats },
	{ "monitor",	do_monitor },
	{ "help",	do_help },
	{ NULL,		NULL },
};

bool is_prefix(const char *arg, const char *name)
{
	size_t len = strlen(arg);

	return len && !strncmp(arg, name, len);
}

void p_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error(msg);
}

const char *version_str(char *buf, size_t len, unsigned int code)
{
	snprintf(buf, len, "%u.%u.%u", code >> 16, (code >> 8) & 0xff,
		 code & 0xff);
	return buf;
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv))
{
	const struct cmd *c, *found = NULL;
	int matches = 0;

	if (argc < 1) {
		if (help)
			return help(argc, argv);
		p_err("missing command");
		return EXIT_USAGE;
	}
	for (c = cmds; c->name; c++) {
		if (!strcmp(argv[0], c->name))
			return c->func(argc - 1, argv + 1);
		if (is_prefix(argv[0], c->name)) {
			found = c;
			matches++;
		}
	}
	if (matches == 1)
		return found->func(argc - 1, argv + 1);
	if (matches > 1)
		p_err("'%s' is ambiguous; try 'portctl help'", argv[0]);
	else
		p_err("unknown command '%s'; try 'portctl help'", argv[0]);
	return EXIT_USAGE;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: portctl [OPTIONS] OBJECT { COMMAND | help }\n"
		"       portctl help\n"
		"       portctl -V\n"
		"\n"
		"OBJECT := { version | port | conn | acl | stats | monitor }\n"
		"OPTIONS := { -j|--json [-p|--pretty] | -H|--no-header |\n"
		"             -V|--version | -h|--help | -n|--dry-run |\n"
		"             --pid PID }\n"
		"\n"
		"portctl version\n"
		"portctl port { list | show NAME | help }\n"
		"portctl conn { list PORT | help }\n"
		"portctl acl { show NAME | set NAME RULE... | help }\n"
		"portctl stats [ NAME | help ]\n"
		"portctl monitor [ PORT ] [ --pid PID ] | help\n"
		"\n"
		"Commands accept unambiguous prefixes: 'portctl p l'.\n"
		"Environment: LPC_DEVICE (default %s).\n",
		LPC_DEVICE_PATH);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* Keep stdout parseable: help text is not JSON. */
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	usage(stdout);
	return EXIT_OK;
}

static int print_own_version(void)
{
	char buf[16];

	open_json_object(NULL);
	print_string(PRINT_ANY, "version", "portctl %s",
		     version_str(buf, sizeof(buf), LIBLPC_VERSION_CODE));
	print_string(PRINT_ANY, "liblpc", " (liblpc %s",
		     version_str(buf, sizeof(buf), lpc_lib_version()));
	print_uint(PRINT_ANY, "api_version", ", api %llu)", LPC_API_VERSION);
	print_nl();
	close_json_object();
	return EXIT_OK;
}

static const struct option long_options[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "pretty",	no_argument,		NULL, 'p' },
	{ "no-header",	no_argument,		NULL, 'H' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "pid",	required_argument,	NULL, 'P' },
	{ NULL,		0,			NULL, 0 }
};

/* --pid PID: a positive number. */
static int parse_pid(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v <= 0 || v > INT_MAX) {
		output_init(stdout, opts.json, opts.pretty);
		p_err("--pid needs a process id, not '%s'", arg);
		return -1;
	}
	opts.pid = (int)v;
	return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse_options(int argc, char **argv)
{
	bool version = false, help = false;
	int opt;

	opterr = 0;	/* report through p_err, in JSON when asked */
	while ((opt = getopt_long(argc, argv, "jpHVhn", long_options,
				  NULL)) >= 0) {
		switch (opt) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = opts.pretty = true;
			break;
		case 'H':
			opts.no_header = true;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			help = true;
			break;
		case 'n':
			opts.dry_run = true;
			break;
		case 'P':
			if (parse_pid(optarg))
				return EXIT_USAGE;
			break;
		default:
			output_init(stdout, opts.json, opts.pretty);
			p_err("unknown option '%s'; try 'portctl help'",
			      argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	output_init(stdout, opts.json, opts.pretty);
	if (version)
		return print_own_version();
	if (help)
		return do_help(0, NULL);
	return -1;
}

int main(int argc, char **argv)
{
	const char *env;
	int ret;

	env = getenv("LPC_DEVICE");
	opts.device = env && *env ? env : LPC_DEVICE_PATH;

	ret = parse_options(argc, argv);
	if (ret < 0) {
		if (optind >= argc) {
			if (!is_json())
				usage(stderr);
			else
				p_err("missing OBJECT; try 'portctl help'");
			ret = EXIT_USAGE;
		} else {
			ret = cmd_select(objects, argc - optind, argv + optind,
					 NULL);
		}
	}
	output_finish();
	return ret;
}
