/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading portctl's JSON output in tests, by key, without a parser: the
 * keys the tests look for are unique in each object portctl prints.
 */
#ifndef __LPC_JSON_H
#define __LPC_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number after "key": in compact or pretty JSON, or -1. */
static inline long long lpc_json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	return strtoll(p, NULL, 10);
}

/* Does compact JSON have "key":"val"? */
static inline bool lpc_json_has(const char *json, const char *key,
				const char *val)
{
	char pat[256];

	snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, val);
	return strstr(json, pat);
}

#endif /* __LPC_JSON_H */
