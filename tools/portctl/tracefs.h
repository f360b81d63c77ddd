/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A tracefs instance of portctl's own (instances/portctl-<pid>), so that
 * the monitor enables lpc's events without touching the global trace or
 * anyone else's instance, and removing it leaves nothing behind.
 * Functions print their own errors (p_err) and return -errno.
 */
#ifndef PORTCTL_TRACEFS_H
#define PORTCTL_TRACEFS_H

#include <stdbool.h>

struct tracefs {
	char root[64];		/* where tracefs is mounted */
	char dir[128];		/* our instance, "" until created */
	int pipe;		/* its trace_pipe, non-blocking, or -1 */
	bool enabled;		/* events/lpc enabled by us */
};

/*
 * Find tracefs (mounting it on /sys/kernel/tracing if it is not and we
 * may), create our instance, record tgids there, enable events/lpc and
 * open trace_pipe.
 */
int tracefs_start(struct tracefs *t);
/* Disable what we enabled and remove the instance; safe to repeat. */
void tracefs_stop(struct tracefs *t);

#endif /* PORTCTL_TRACEFS_H */
