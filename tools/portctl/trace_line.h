/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One line of trace_pipe holding an lpc event (module/trace.h), parsed.
 *
 *	<comm>-<tid> (<tgid>) [<cpu>] <flags> <secs>.<usecs>: lpc_<event>: <fields>
 *
 * The "(<tgid>)" column is there when the instance records tgids
 * (options/record-tgid); "(-------)" means the kernel did not know it.
 * The fields are the TP_printk() formats of module/trace.h, read by key;
 * a port name may hold spaces, so it runs up to the last key that
 * follows it in its format.
 */
#ifndef PORTCTL_TRACE_LINE_H
#define PORTCTL_TRACE_LINE_H

#include <stdbool.h>
#include <liblpc.h>

enum trace_kind {
	EV_CONNECT,
	EV_ACCEPT,
	EV_REJECT,
	EV_SEND,
	EV_RECEIVE,
	EV_REPLY,
	EV_CLOSE,
};

struct trace_event {
	enum trace_kind kind;
	char time[32];			/* "1234.567890", as traced */
	char comm[32];			/* the task that hit the tracepoint */
	int tid;
	int tgid;			/* -1: unknown */
	char name[LPC_NAME_MAX + 1];	/* connect, accept, reject */
	bool has_name;
	long long pid;			/* connect: the client's tgid */
	unsigned long long uid;		/* connect */
	unsigned long long len;		/* connect: data_len; messages */
	long long result;		/* connect, send, reply: 0 or -errno */
	bool has_result;
	unsigned long long conn;	/* connection serial; 0: none */
	unsigned long long context;	/* accept */
	unsigned long long id;		/* send, receive; reply: request */
	char type[24];			/* send, receive; close: the notice */
	bool by_server;			/* close */
};

/* The event's name as the monitor prints it ("connect", ...). */
const char *trace_kind_name(enum trace_kind kind);

/*
 * Parse @line (without its newline). 1 if it is an lpc event, 0 if it is
 * not one (other events, "CPU:3 [LOST 2 EVENTS]"), -1 if it looks like
 * one but does not parse.
 */
int trace_line_parse(const char *line, struct trace_event *ev);

#endif /* PORTCTL_TRACE_LINE_H */
