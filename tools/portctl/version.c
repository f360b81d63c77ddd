// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl version: what the library and the loaded module support.
 */
#include <stdio.h>
#include "json_print.h"
#include "main.h"
#include "source.h"

static int version_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	printf("Usage: portctl version\n"
	       "\n"
	       "Versions of portctl, liblpc and the lpc module, the module's\n"
	       "features and limits.\n");
	return EXIT_OK;
}

static void print_version(const char *key, const char *fmt,
			  unsigned int code)
{
	char buf[16];

	print_string(PRINT_ANY, key, fmt, version_str(buf, sizeof(buf), code));
}

/* Known bits by name; bits this portctl does not know as "bitN". */
static void print_features(__u64 mask)
{
	const char *name;
	char buf[8];
	int bit, n = 0;

	print_text("features: ");
	open_json_array("features");
	for (bit = 0; bit < 64; bit++) {
		if (!(mask & (1ULL << bit)))
			continue;
		name = lpc_feature_name(1ULL << bit);
		if (!name) {
			snprintf(buf, sizeof(buf), "bit%d", bit);
			name = buf;
		}
		print_string(PRINT_ANY, NULL, n++ ? " %s" : "%s", name);
	}
	close_json_array();
	if (!n)
		print_text("none");
	print_nl();
	print_uint(PRINT_JSON, "features_mask", NULL, mask);
}

static void print_all(const struct lpc_version *v)
{
	open_json_object(NULL);
	print_version("portctl", "portctl:  %s\n", LIBLPC_VERSION_CODE);

	open_json_object("liblpc");
	print_version("version", "liblpc:   %s", lpc_lib_version());
	print_uint(PRINT_ANY, "api_version", " (api %llu)\n",
		   LPC_API_VERSION);
	close_json_object();

	open_json_object("module");
	print_version("version", "module:   %s", v->module_version);
	print_uint(PRINT_JSON, "version_code", NULL, v->module_version);
	print_uint(PRINT_ANY, "api_version", " (api %llu)\n",
		   v->api_version);
	close_json_object();

	print_features(v->features);

	open_json_object("limits");
	print_size(PRINT_ANY, "max_name_len", "limits:   name %s",
		   v->max_name_len);
	print_size(PRINT_ANY, "max_msg_len", ", message %s\n",
		   v->max_msg_len);
	close_json_object();
	close_json_object();
}

int do_version(int argc, char **argv)
{
	struct lpc_version v;
	struct source src;
	int ret;

	if (argc > 0) {
		if (is_prefix(argv[0], "help"))
			return version_help(argc, argv);
		p_err("unexpected argument '%s'; try 'portctl version help'",
		      argv[0]);
		return EXIT_USAGE;
	}
	if (source_open(&src))
		return EXIT_FAIL;
	ret = source_version(&src, &v);
	source_close(&src);
	if (ret < 0)
		return EXIT_FAIL;
	print_all(&v);
	return EXIT_OK;
}
