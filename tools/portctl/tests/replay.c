// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The replay file parser (format in replay.h), for the test build of
 * portctl only. Errors go to stderr: portctl then reports the failed
 * ioctl in its own words.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fields.h"
#include "replay.h"

struct conn_rec {
	struct lpc_conn_info info;
	char port[LPC_NAME_MAX + 1];
};

struct ace_rec {
	struct lpc_ace ace;
	char port[LPC_NAME_MAX + 1];
};

struct replay {
	const char *path;
	struct lpc_version version;
	unsigned int version_set;	/* bit per version_fields[] entry */
	struct lpc_port_info *ports;
	size_t nports;
	struct conn_rec *conns;
	size_t nconns;
	struct ace_rec *aces;
	size_t naces;
	/* while parsing */
	unsigned int line;
	enum { SEC_TOP, SEC_PORT, SEC_CONN, SEC_ACE } section;
};

#define bad(r, ...) do {						\
	char msg_[256];							\
	snprintf(msg_, sizeof(msg_), __VA_ARGS__);			\
	fprintf(stderr, "%s:%u: %s\n", (r)->path, (r)->line, msg_);	\
} while (0)

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int parse_number(struct replay *r, char *text,
			unsigned long long *val)
{
	char *end;

	text[strcspn(text, "#")] = '\0';
	text = trim(text);
	errno = 0;
	*val = strtoull(text, &end, 0);
	if (!*text || *end || errno || text[0] == '-') {
		bad(r, "'%s' is not a number", text);
		return -EINVAL;
	}
	return 0;
}

/* Grow *arr by one zeroed element of @size; the new one, or NULL. */
static void *grow(void **arr, size_t *n, size_t size)
{
	char *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

static int parse_section(struct replay *r, char *line)
{
	size_t len = strlen(line);
	struct conn_rec *c;
	struct ace_rec *a;

	if (!strcmp(line, "[port]")) {
		if (!grow((void **)&r->ports, &r->nports, sizeof(*r->ports)))
			goto nomem;
		r->section = SEC_PORT;
		return 0;
	}
	if (!strncmp(line, "[ace ", 5) && line[len - 1] == ']' &&
	    len - 6 >= 1 && len - 6 <= LPC_NAME_MAX) {
		a = grow((void **)&r->aces, &r->naces, sizeof(*r->aces));
		if (!a)
			goto nomem;
		memcpy(a->port, line + 5, len - 6);
		r->section = SEC_ACE;
		return 0;
	}
	if (strncmp(line, "[conn ", 6) || line[len - 1] != ']' ||
	    len - 7 < 1 || len - 7 > LPC_NAME_MAX) {
		bad(r, "expected [port], [conn PORT] or [ace PORT]");
		return -EINVAL;
	}
	c = grow((void **)&r->conns, &r->nconns, sizeof(*r->conns));
	if (!c)
		goto nomem;
	memcpy(c->port, line + 6, len - 7);
	r->section = SEC_CONN;
	return 0;
nomem:
	fprintf(stderr, "out of memory\n");
	return -ENOMEM;
}

static int set_version(struct replay *r, const char *key, char *value)
{
	const struct field *f = NULL;
	unsigned long long val;

	if (!strncmp(key, "version.", 8))
		f = field_find(version_fields, key + 8);
	if (!f) {
		bad(r, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (parse_number(r, value, &val))
		return -EINVAL;
	field_set(f, &r->version, val);
	r->version_set |= 1U << (f - version_fields);
	return 0;
}

static int set_port_name(struct replay *r, const char *value)
{
	struct lpc_port_info *p = &r->ports[r->nports - 1];
	size_t len = strlen(value);

	if (len < 1 || len > LPC_NAME_MAX) {
		bad(r, "bad port name");
		return -EINVAL;
	}
	memcpy(p->name, value, len + 1);
	p->name_len = (__u32)len;
	return 0;
}

static int set_field(struct replay *r, const char *key, char *value)
{
	const struct field *table;
	const struct field *f;
	unsigned long long val;
	void *obj;

	if (r->section == SEC_TOP)
		return set_version(r, key, value);
	if (r->section == SEC_PORT) {
		if (!strcmp(key, "name"))
			return set_port_name(r, value);
		table = port_fields;
		obj = &r->ports[r->nports - 1];
	} else if (r->section == SEC_CONN) {
		table = conn_fields;
		obj = &r->conns[r->nconns - 1].info;
	} else {
		table = ace_fields;
		obj = &r->aces[r->naces - 1].ace;
	}
	f = field_find(table, key);
	if (!f) {
		bad(r, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (parse_number(r, value, &val))
		return -EINVAL;
	field_set(f, obj, val);
	return 0;
}

static int parse_line(struct replay *r, char *line)
{
	char *key, *value;

	line[strcspn(line, "\n")] = '\0';
	key = trim(line);
	if (!*key || *key == '#')
		return 0;
	if (*key == '[')
		return parse_section(r, key);
	value = key + strcspn(key, " \t");
	if (!*value) {
		bad(r, "expected 'key value'");
		return -EINVAL;
	}
	*value++ = '\0';
	/* Not trim(): a name's value is verbatim from its first byte. */
	value += strspn(value, " \t");
	return set_field(r, key, value);
}

void replay_free(struct replay *r)
{
	if (!r)
		return;
	free(r->ports);
	free(r->conns);
	free(r->aces);
	free(r);
}

struct replay *replay_load(const char *path)
{
	struct replay *r = calloc(1, sizeof(*r));
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	if (!r) {
		fprintf(stderr, "out of memory\n");
		return NULL;
	}
	r->path = path;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open replay file %s: %s\n", path,
			strerror(errno));
		free(r);
		return NULL;
	}
	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		r->line++;
		ret = parse_line(r, line);
	}
	free(line);
	fclose(f);
	if (ret) {
		replay_free(r);
		return NULL;
	}
	return r;
}

int replay_version(const struct replay *r, struct lpc_version *v)
{
	const struct field *f;

	for (f = version_fields; f->key; f++) {
		if (!(r->version_set & (1U << (f - version_fields)))) {
			fprintf(stderr, "%s: no version.%s\n", r->path, f->key);
			return -ENODATA;
		}
	}
	*v = r->version;
	return 0;
}

size_t replay_nports(const struct replay *r)
{
	return r->nports;
}

const struct lpc_port_info *replay_port(const struct replay *r, size_t i)
{
	return &r->ports[i];
}

size_t replay_nconns(const struct replay *r)
{
	return r->nconns;
}

const struct lpc_conn_info *replay_conn(const struct replay *r, size_t i,
					const char **port)
{
	*port = r->conns[i].port;
	return &r->conns[i].info;
}

size_t replay_naces(const struct replay *r)
{
	return r->naces;
}

const struct lpc_ace *replay_ace(const struct replay *r, size_t i,
				 const char **port)
{
	*port = r->aces[i].port;
	return &r->aces[i].ace;
}
