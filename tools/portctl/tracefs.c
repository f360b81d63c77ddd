// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl's tracefs instance (tracefs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "main.h"
#include "tracefs.h"

#define TRACEFS_MAGIC	0x74726163

static bool is_tracefs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == TRACEFS_MAGIC;
}

static int no_rights(const char *what, int err)
{
	p_err("%s: %s (portctl monitor needs root, or write access to tracefs)",
	      what, strerror(err));
	return -err;
}

/*
 * /sys/kernel/tracing, mounted there if it is not (root may); the older
 * place under debugfs if that is where it is.
 */
static int find_root(struct tracefs *t)
{
	static const char *const places[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	size_t i;

	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		if (is_tracefs(places[i])) {
			snprintf(t->root, sizeof(t->root), "%s", places[i]);
			return 0;
		}
	}
	if (!mount("tracefs", places[0], "tracefs", 0, NULL) &&
	    is_tracefs(places[0])) {
		snprintf(t->root, sizeof(t->root), "%s", places[0]);
		return 0;
	}
	if (errno == EPERM || errno == EACCES)
		return no_rights("tracefs is not mounted and cannot be mounted",
				 errno);
	p_err("tracefs is not available (%s: %s)", places[0],
	      strerror(errno));
	return -ENOENT;
}

static int write_file(const struct tracefs *t, const char *file,
		      const char *text)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", t->dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

int tracefs_start(struct tracefs *t)
{
	char path[256];
	int ret;

	memset(t, 0, sizeof(*t));
	t->pipe = -1;
	ret = find_root(t);
	if (ret)
		return ret;

	snprintf(t->dir, sizeof(t->dir), "%s/instances/portctl-%d", t->root,
		 (int)getpid());
	ret = mkdir(t->dir, 0700);
	if (ret && errno == EEXIST) {
		/* A leftover of a killed portctl whose pid we now have. */
		rmdir(t->dir);
		ret = mkdir(t->dir, 0700);
	}
	if (ret) {
		ret = -errno;
		if (ret == -EACCES || ret == -EPERM)
			no_rights(t->dir, -ret);
		else
			p_err("cannot create %s: %s", t->dir, strerror(-ret));
		t->dir[0] = '\0';
		return ret;
	}

	snprintf(path, sizeof(path), "%s/events/lpc", t->dir);
	if (access(path, F_OK)) {
		p_err("no lpc events in tracefs (is the lpc module loaded?)");
		tracefs_stop(t);
		return -ENOENT;
	}
	/* Which process sent a message: the tgid column of each line. */
	write_file(t, "options/record-tgid", "1");
	/*
	 * One clock for every CPU, so that lpc's causes come before their
	 * effects whichever CPUs the two sides ran on.
	 */
	write_file(t, "trace_clock", "global");
	/* Wake the reader at the first event, not at a fuller buffer. */
	write_file(t, "buffer_percent", "0");
	ret = write_file(t, "events/lpc/enable", "1");
	if (ret) {
		p_err("cannot enable the lpc events: %s", strerror(-ret));
		tracefs_stop(t);
		return ret;
	}
	t->enabled = true;

	snprintf(path, sizeof(path), "%s/trace_pipe", t->dir);
	t->pipe = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->pipe < 0) {
		ret = -errno;
		p_err("cannot open %s: %s", path, strerror(errno));
		tracefs_stop(t);
		return ret;
	}
	return 0;
}

void tracefs_stop(struct tracefs *t)
{
	if (t->pipe >= 0)
		close(t->pipe);
	t->pipe = -1;
	if (t->enabled)
		write_file(t, "events/lpc/enable", "0");
	t->enabled = false;
	/* tracefs refuses to remove an instance while a file is open. */
	if (t->dir[0] && rmdir(t->dir))
		fprintf(stderr, "portctl: cannot remove %s: %s\n", t->dir,
			strerror(errno));
	t->dir[0] = '\0';
}
