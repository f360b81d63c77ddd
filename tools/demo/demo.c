// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdio.h>
#include <stdlib.h>
#include "demo.h"

#define QUOTE_MAX	60	/* shown characters before "..." */

const char *demo_quote(char *buf, size_t size, const void *data, size_t len)
{
	const unsigned char *s = data;
	size_t i, used = 0;

	if (size < 8)
		return "";
	buf[used++] = '"';
	for (i = 0; i < len && i < QUOTE_MAX && used + 8 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			buf[used++] = (char)s[i];
		else
			used += (size_t)snprintf(buf + used, size - used,
						 "\\x%02x", s[i]);
	}
	buf[used++] = '"';
	if (i < len)
		used += (size_t)snprintf(buf + used, size - used, "...");
	buf[used] = '\0';
	return buf;
}

int64_t demo_seconds(const char *prog, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end || v < 0) {
		fprintf(stderr, "%s: '%s' is not a number of seconds\n",
			prog, arg);
		exit(2);
	}
	return (int64_t)v * NSEC_PER_SEC;
}

void demo_setup_output(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}
