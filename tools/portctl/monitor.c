// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl monitor [PORT] [--pid PID]: what happens on ports, live, from
 * lpc's tracepoints (monitor.h), until SIGINT, SIGTERM or SIGHUP.
 *
 * The events are read from trace_pipe of a tracefs instance of our own
 * (tracefs.h). The stop signals are blocked except inside ppoll(), so a
 * signal cannot slip in between "should I stop?" and a wait that would
 * not see it; what the ring buffer still holds is printed before the
 * instance goes.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "json_print.h"
#include "main.h"
#include "monitor.h"
#include "tracefs.h"

/*
 * ppoll() wakes on data; this bound only guards against a kernel whose
 * trace_pipe poll waits for a fuller buffer than we asked for.
 */
#define POLL_MS		250

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int monitor_help(void)
{
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	printf("Usage: portctl monitor [ PORT ] [ --pid PID ]\n"
	       "\n"
	       "Print connects, accepts, rejects, messages, replies and close\n"
	       "notices as they happen, one line each (one JSON object per line\n"
	       "with -j), until Ctrl-C. PORT: only that connection port's;\n"
	       "--pid: only what process PID does. Needs root (tracefs).\n");
	return EXIT_OK;
}

/* The connections that exist already, so their messages name a port. */
static void seed(struct monitor *m)
{
	struct lpc_conn_info conns[16];
	struct lpc_port_info ports[16];
	__u64 pcur = 0, ccur;
	int dev, n, k, i, j;
	struct lpc_version v;

	dev = lpc_open_path(opts.device, 0);
	if (dev < 0)
		return;
	if (lpc_version(dev, &v) || !(v.features & LPC_FEAT_QUERY))
		goto out;
	do {
		n = lpc_port_list(dev, &pcur, ports, 16);
		for (i = 0; i < n; i++) {
			const char *name = (const char *)ports[i].name;

			if (m->port && strcmp(m->port, name))
				continue;
			ccur = 0;
			do {
				k = lpc_conn_list(dev, name, &ccur, conns, 16);
				for (j = 0; j < k; j++)
					monitor_learn(m, conns[j].serial, name);
			} while (k > 0 && ccur);
		}
	} while (n > 0 && pcur);
out:
	close(dev);
}

/* Print every whole line in @buf; keep the rest for the next read. */
static int consume(struct monitor *m, char *buf, size_t *len)
{
	char *line = buf, *nl;
	size_t left;

	while ((nl = memchr(line, '\n', *len - (size_t)(line - buf)))) {
		*nl = '\0';
		if (monitor_line(m, line) < 0)
			return -1;
		line = nl + 1;
	}
	left = *len - (size_t)(line - buf);
	memmove(buf, line, left);
	*len = left;
	return 0;
}

/* Read what trace_pipe holds now: 0, or -1 when the output failed. */
static int drain(struct monitor *m, int fd, char *buf, size_t size,
		 size_t *len)
{
	ssize_t n;

	for (;;) {
		if (*len == size - 1) {
			/* A line longer than the buffer: not one of ours. */
			*len = 0;
		}
		n = read(fd, buf + *len, size - 1 - *len);
		if (n <= 0)
			return 0;	/* EAGAIN: empty for now */
		*len += (size_t)n;
		if (consume(m, buf, len))
			return -1;
	}
}

static int run(struct monitor *m, struct tracefs *t)
{
	struct pollfd pfd = { .fd = t->pipe, .events = POLLIN };
	struct timespec ts = { 0, POLL_MS * 1000000L };
	static char buf[65536];
	sigset_t stops, waiting;
	size_t len = 0;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGHUP);

	fprintf(stderr, "portctl: monitoring lpc events%s%s (Ctrl-C to stop)\n",
		m->port ? " on " : "", m->port ? m->port : "");
	while (!stop_signal) {
		if (ppoll(&pfd, 1, &ts, &waiting) < 0 && errno != EINTR)
			break;
		if (drain(m, t->pipe, buf, sizeof(buf), &len))
			return EXIT_FAIL;
	}
	/* The events of before the signal are in the buffer: print them. */
	if (drain(m, t->pipe, buf, sizeof(buf), &len))
		return EXIT_FAIL;
	return stop_signal ? EXIT_OK : EXIT_FAIL;
}

int do_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor m;
	struct tracefs t;
	int ret;

	if (argc == 1 && !strcmp(argv[0], "help"))
		return monitor_help();
	if (argc > 1) {
		p_err("one PORT at most; try 'portctl monitor help'");
		return EXIT_USAGE;
	}
	monitor_init(&m, argc ? argv[0] : NULL, opts.pid);
	seed(&m);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout is an output error, not a death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	if (tracefs_start(&t)) {
		monitor_free(&m);
		return EXIT_FAIL;
	}
	ret = run(&m, &t);
	tracefs_stop(&t);
	monitor_free(&m);
	return ret;
}
