// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Live and replayed data for the commands (see source.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "main.h"
#include "source.h"

#define REPLAY_KEY_MAX	64

/* struct lpc_version's fields come first, in order: see replay_version(). */
static const char *const replay_keys[] = {
	"version.api_version",
	"version.max_name_len",
	"version.features",
	"version.max_msg_len",
	"version.module_version",
};

struct replay_entry {
	char key[REPLAY_KEY_MAX];
	unsigned long long val;
};

struct replay {
	size_t n, cap;
	struct replay_entry *e;
};

static bool replay_key_known(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(replay_keys) / sizeof(replay_keys[0]); i++)
		if (!strcmp(key, replay_keys[i]))
			return true;
	return false;
}

static int replay_get(const struct replay *r, const char *key,
		      unsigned long long *val)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (!strcmp(r->e[i].key, key)) {
			*val = r->e[i].val;
			return 0;
		}
	}
	return -ENODATA;
}

static int replay_add(struct replay *r, const char *key,
		      unsigned long long val)
{
	struct replay_entry *e;
	size_t cap;

	if (r->n == r->cap) {
		cap = r->cap ? 2 * r->cap : 16;
		e = realloc(r->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		r->e = e;
		r->cap = cap;
	}
	snprintf(r->e[r->n].key, REPLAY_KEY_MAX, "%s", key);
	r->e[r->n++].val = val;
	return 0;
}

/* One line: blank, comment, or "key value". Errors name the line. */
static int replay_line(struct replay *r, const char *path, unsigned int nr,
		       char *line)
{
	unsigned long long val, old;
	char *key, *value, *end;

	line[strcspn(line, "#\n")] = '\0';
	key = strtok(line, " \t");
	if (!key)
		return 0;
	value = strtok(NULL, " \t");
	if (!value || strtok(NULL, " \t")) {
		p_err("%s:%u: expected 'key value'", path, nr);
		return -EINVAL;
	}
	if (!replay_key_known(key)) {
		p_err("%s:%u: unknown key '%s'", path, nr, key);
		return -EINVAL;
	}
	if (replay_get(r, key, &old) == 0) {
		p_err("%s:%u: '%s' given twice", path, nr, key);
		return -EINVAL;
	}
	errno = 0;
	val = strtoull(value, &end, 0);
	if (errno || *end || value[0] == '-') {
		p_err("%s:%u: '%s' is not a number", path, nr, value);
		return -EINVAL;
	}
	if (replay_add(r, key, val)) {
		p_err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void replay_free(struct replay *r)
{
	if (r)
		free(r->e);
	free(r);
}

static struct replay *replay_load(const char *path)
{
	struct replay *r;
	unsigned int nr = 0;
	size_t cap = 0;
	char *line = NULL;
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (!f) {
		p_err("cannot open replay file %s: %s", path, strerror(errno));
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		p_err("out of memory");
		fclose(f);
		return NULL;
	}
	while (ret == 0 && getline(&line, &cap, f) >= 0)
		ret = replay_line(r, path, ++nr, line);
	free(line);
	fclose(f);
	if (ret) {
		replay_free(r);
		return NULL;
	}
	return r;
}

int source_open(struct source *src)
{
	int fd;

	src->fd = -1;
	src->replay = NULL;
	if (opts.replay) {
		src->path = opts.replay;
		src->replay = replay_load(opts.replay);
		return src->replay ? 0 : -1;
	}

	src->path = opts.device;
	fd = lpc_open_path(opts.device, 0);
	if (fd == -ENOENT) {
		/* The one error a user hits first: say what it means. */
		p_err("lpc module not loaded (%s: %s)", opts.device,
		      strerror(ENOENT));
		return -1;
	}
	if (fd < 0) {
		p_err("cannot open %s: %s", opts.device, strerror(-fd));
		return -1;
	}
	src->fd = fd;
	return 0;
}

void source_close(struct source *src)
{
	if (src->fd >= 0)
		close(src->fd);
	replay_free(src->replay);
	src->fd = -1;
	src->replay = NULL;
}

static int replay_version(struct source *src, struct lpc_version *v)
{
	unsigned long long val[5];
	size_t i;

	for (i = 0; i < sizeof(val) / sizeof(val[0]); i++) {
		if (replay_get(src->replay, replay_keys[i], &val[i])) {
			p_err("%s: no %s", src->path, replay_keys[i]);
			return -ENODATA;
		}
	}
	memset(v, 0, sizeof(*v));
	v->api_version = (__u32)val[0];
	v->max_name_len = (__u32)val[1];
	v->features = val[2];
	v->max_msg_len = (__u32)val[3];
	v->module_version = (__u32)val[4];
	return 0;
}

int source_version(struct source *src, struct lpc_version *v)
{
	int ret;

	if (src->replay)
		return replay_version(src, v);
	ret = lpc_version(src->fd, v);
	if (ret == -ENOTTY)
		p_err("%s is not an lpc device (%s)", src->path,
		      strerror(ENOTTY));
	else if (ret < 0)
		p_err("cannot query %s: %s", src->path, strerror(-ret));
	return ret;
}
