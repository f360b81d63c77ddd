// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One trace_pipe line into one line of monitor output (monitor.h).
 *
 *	text: 1234.567890 send REQUEST id 7 len 5 conn 3 '\RPC Control\x' by client[201]
 *	JSON: {"event":"send","ts_us":1234567890,"comm":"client","pid":201,...}
 *
 * Errors (a result below 0) end the text line with ": ENAME (message)"
 * and add "error": "ENAME" in JSON; names come from glibc
 * (strerrorname_np), not a table of ours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_print.h"
#include "main.h"
#include "monitor.h"
#include "trace_line.h"

void monitor_init(struct monitor *m, const char *port, int pid)
{
	memset(m, 0, sizeof(*m));
	m->port = port;
	m->pid = pid;
}

void monitor_free(struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->nconns; i++)
		free(m->conns[i].port);
	free(m->conns);
	m->conns = NULL;
	m->nconns = m->cap = 0;
}

static struct mon_conn *find_conn(struct monitor *m, unsigned long long serial)
{
	size_t i;

	for (i = 0; serial && i < m->nconns; i++)
		if (m->conns[i].serial == serial)
			return &m->conns[i];
	return NULL;
}

void monitor_learn(struct monitor *m, unsigned long long serial,
		   const char *name)
{
	struct mon_conn *c = find_conn(m, serial), *grown;
	char *copy;

	if (c || !serial)
		return;
	copy = strdup(name);
	if (!copy)
		return;		/* the port stays unnamed: not fatal */
	if (m->nconns == m->cap) {
		grown = realloc(m->conns, (m->cap * 2 + 16) * sizeof(*grown));
		if (!grown) {
			free(copy);
			return;
		}
		m->conns = grown;
		m->cap = m->cap * 2 + 16;
	}
	m->conns[m->nconns].serial = serial;
	m->conns[m->nconns++].port = copy;
}

static void forget_conn(struct monitor *m, unsigned long long serial)
{
	struct mon_conn *c = find_conn(m, serial);

	if (!c)
		return;
	free(c->port);
	*c = m->conns[--m->nconns];
}

/* Remember and look up which connection a request id belongs to. */
static void learn_request(struct monitor *m, unsigned long long id,
			  unsigned long long conn)
{
	m->req[id % MON_REQUESTS].id = id;
	m->req[id % MON_REQUESTS].conn = conn;
}

static unsigned long long request_conn(const struct monitor *m,
				       unsigned long long id)
{
	if (m->req[id % MON_REQUESTS].id != id)
		return 0;
	return m->req[id % MON_REQUESTS].conn;
}

/* What the event tells about connections, before any filter. */
static void learn(struct monitor *m, struct trace_event *ev)
{
	switch (ev->kind) {
	case EV_ACCEPT:
	case EV_REJECT:
		monitor_learn(m, ev->conn, ev->name);
		break;
	case EV_SEND:
	case EV_RECEIVE:
		if (!strcmp(ev->type, "REQUEST"))
			learn_request(m, ev->id, ev->conn);
		break;
	case EV_REPLY:
		ev->conn = request_conn(m, ev->id);
		break;
	default:
		break;
	}
	if (!ev->has_name) {
		struct mon_conn *c = find_conn(m, ev->conn);

		if (c) {
			snprintf(ev->name, sizeof(ev->name), "%s", c->port);
			ev->has_name = true;
		}
	}
}

static bool wanted(const struct monitor *m, const struct trace_event *ev)
{
	int pid = ev->tgid > 0 ? ev->tgid : ev->tid;

	if (m->pid && pid != m->pid &&
	    !(ev->kind == EV_CONNECT && ev->pid == m->pid))
		return false;
	return !m->port || (ev->has_name && !strcmp(ev->name, m->port));
}

static void print_port(const struct trace_event *ev)
{
	char *text;

	if (!ev->has_name)
		return;
	if (is_json()) {
		print_string(PRINT_JSON, "port", NULL, ev->name);
		return;
	}
	text = text_escape(ev->name, NULL);
	print_text(" '%s'", text ? text : "?");
	free(text);
}

static void print_result(const struct trace_event *ev)
{
	const char *name;
	int err;

	if (!ev->has_result)
		return;
	print_int(PRINT_JSON, "result", NULL, ev->result);
	if (ev->result >= 0)
		return;
	err = (int)-ev->result;
	name = strerrorname_np(err);
	print_string(PRINT_JSON, "error", NULL, name);
	print_text(": %s (%s)", name ? name : "?", strerror(err));
}

/* The time as microseconds, from "<secs>.<usecs>" as traced. */
static unsigned long long time_us(const char *t)
{
	unsigned long long secs, us = 0;
	char *end;
	int digits = 0;

	secs = strtoull(t, &end, 10);
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9' && digits < 6; end++) {
			us = us * 10 + (unsigned long long)(*end - '0');
			digits++;
		}
	}
	while (digits++ < 6)
		us *= 10;
	return secs * 1000000 + us;
}

/*
 * The kernel fills the tgid and comm columns from what it saw at context
 * switches, so a thread that has not been switched out since it started
 * shows "(-------)" and "<...>". Ask /proc while the thread still exists.
 */
static void fill_task(struct trace_event *ev)
{
	char path[64], line[128];
	FILE *f;

	if (ev->tgid > 0 && strcmp(ev->comm, "<...>"))
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", ev->tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Name:\t", 6) &&
		    !strcmp(ev->comm, "<...>")) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(ev->comm, sizeof(ev->comm), "%.*s",
				 (int)sizeof(ev->comm) - 1, line + 6);
		} else if (!strncmp(line, "Tgid:\t", 6) && ev->tgid <= 0) {
			ev->tgid = atoi(line + 6);
		}
	}
	fclose(f);
}

static void print_event(const struct trace_event *ev)
{
	int pid = ev->tgid > 0 ? ev->tgid : ev->tid;
	char *comm;

	open_json_object(NULL);
	print_text("%s ", ev->time);
	print_string(PRINT_ANY, "event", "%s", trace_kind_name(ev->kind));
	print_uint(PRINT_JSON, "ts_us", NULL, time_us(ev->time));
	print_string(PRINT_JSON, "comm", NULL, ev->comm);
	print_int(PRINT_JSON, "pid", NULL, pid);
	print_int(PRINT_JSON, "tid", NULL, ev->tid);

	switch (ev->kind) {
	case EV_CONNECT:
		print_port(ev);
		print_int(PRINT_ANY, "client_pid", " pid %lld", ev->pid);
		print_uint(PRINT_ANY, "uid", " uid %llu", ev->uid);
		print_uint(PRINT_ANY, "data_len", " data %llu", ev->len);
		break;
	case EV_ACCEPT:
	case EV_REJECT:
		print_port(ev);
		print_uint(PRINT_ANY, "conn", " conn %llu", ev->conn);
		if (ev->kind == EV_ACCEPT)
			print_uint(PRINT_ANY, "context", " context 0x%llx",
				   ev->context);
		break;
	case EV_SEND:
	case EV_RECEIVE:
		print_string(PRINT_ANY, "type", " %s", ev->type);
		print_uint(PRINT_ANY, "id", " id %llu", ev->id);
		print_uint(PRINT_ANY, "len", " len %llu", ev->len);
		print_uint(PRINT_ANY, "conn", " conn %llu", ev->conn);
		print_port(ev);
		break;
	case EV_REPLY:
		print_uint(PRINT_ANY, "request", " request %llu", ev->id);
		print_uint(PRINT_ANY, "len", " len %llu", ev->len);
		if (ev->conn)
			print_uint(PRINT_ANY, "conn", " conn %llu", ev->conn);
		print_port(ev);
		break;
	case EV_CLOSE:
		print_uint(PRINT_ANY, "conn", " conn %llu", ev->conn);
		print_port(ev);
		print_string(PRINT_ANY, "notice", " notice %s", ev->type);
		print_string(PRINT_ANY, "by", " closed by %s",
			     ev->by_server ? "server" : "client");
		break;
	}
	if (!is_json()) {
		comm = text_escape(ev->comm, NULL);
		print_text(" (%s[%d])", comm ? comm : "?", pid);
		free(comm);
	}
	print_result(ev);
	print_nl();
	close_json_object();
}

int monitor_line(struct monitor *m, const char *line)
{
	struct trace_event ev;
	int ret;

	ret = trace_line_parse(line, &ev);
	if (ret < 0) {
		/* A format this portctl does not know: say so, go on. */
		fprintf(stderr, "portctl: cannot parse: %s\n", line);
		return 0;
	}
	if (!ret)
		return 0;
	learn(m, &ev);
	fill_task(&ev);
	if (wanted(m, &ev)) {
		print_event(&ev);
		ret = 1;
	}
	/* After printing: the close still names its port. */
	if (ev.kind == EV_CLOSE)
		forget_conn(m, ev.conn);
	if (ret == 1 && output_flush_line())
		return -1;
	return ret;
}
