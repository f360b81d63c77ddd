/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * portctl monitor: lpc's tracepoints as a stream of lines. monitor.c
 * runs the command (tracefs, signals); monitor_print.c turns one line of
 * trace_pipe into one line of output, filtered, so that part can be
 * tested on recorded lines (tests/monitor_test.c).
 *
 * Only connect, accept and reject carry the port name; messages, replies
 * and close notices carry a connection serial (or a request id). The
 * monitor learns which port each connection belongs to from accepts and
 * rejects (and from the device at start), and which connection each
 * request belongs to from the request, and names the port from those.
 */
#ifndef PORTCTL_MONITOR_H
#define PORTCTL_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#define MON_REQUESTS	1024	/* requests remembered, by id */

struct mon_conn {
	unsigned long long serial;
	char *port;
};

struct monitor {
	const char *port;		/* only this port, or NULL */
	int pid;			/* only this process, or 0 */
	struct mon_conn *conns;		/* connections seen, and their port */
	size_t nconns, cap;
	struct {			/* request id -> connection */
		unsigned long long id, conn;
	} req[MON_REQUESTS];
};

void monitor_init(struct monitor *m, const char *port, int pid);
void monitor_free(struct monitor *m);
/* Connection @serial belongs to port @name. */
void monitor_learn(struct monitor *m, unsigned long long serial,
		   const char *name);
/*
 * Print the event on @line if it is an lpc event that passes the
 * filters: 1 if printed, 0 if not, -1 if the output failed.
 */
int monitor_line(struct monitor *m, const char *line);

#endif /* PORTCTL_MONITOR_H */
