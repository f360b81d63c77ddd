// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * trace_pipe lines of lpc events into struct trace_event (trace_line.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_line.h"

static const char *const kind_names[] = {
	[EV_CONNECT]	= "connect",
	[EV_ACCEPT]	= "accept",
	[EV_REJECT]	= "reject",
	[EV_SEND]	= "send",
	[EV_RECEIVE]	= "receive",
	[EV_REPLY]	= "reply",
	[EV_CLOSE]	= "close",
};
#define NR_KINDS	(sizeof(kind_names) / sizeof(kind_names[0]))

const char *trace_kind_name(enum trace_kind kind)
{
	return (unsigned int)kind < NR_KINDS ? kind_names[kind] : "?";
}

/* The last occurrence of @needle in @s, or NULL. */
static const char *last_of(const char *s, const char *needle)
{
	const char *p, *found = NULL;

	for (p = strstr(s, needle); p; p = strstr(p + 1, needle))
		found = p;
	return found;
}

/* The value of " key=" (or "key=" at @s itself) as a number. */
static bool field_num(const char *s, const char *key, int base,
		      unsigned long long *val)
{
	char pat[24];
	const char *p;
	char *end;

	snprintf(pat, sizeof(pat), "%s=", key);
	if (!strncmp(s, pat, strlen(pat))) {
		p = s;
	} else {
		snprintf(pat, sizeof(pat), " %s=", key);
		p = strstr(s, pat);
		if (!p)
			return false;
	}
	p += strlen(pat);
	*val = strtoull(p, &end, base);
	return end != p;
}

static bool field_int(const char *s, const char *key, long long *val)
{
	unsigned long long v;

	if (!field_num(s, key, 10, &v))
		return false;
	*val = (long long)v;	/* strtoull() took the sign */
	return true;
}

/* The word after " key=" into @buf. */
static bool field_word(const char *s, const char *key, char *buf,
		       size_t size)
{
	char pat[24];
	const char *p;
	size_t len;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(s, pat);
	if (!p)
		return false;
	p += strlen(pat);
	len = strcspn(p, " ");
	if (!len || len >= size)
		return false;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return true;
}

/*
 * "name=<name> <next>=...": the name runs up to the last " <next>=".
 * Returns the fields after the name, or NULL.
 */
static const char *field_name(const char *s, const char *next,
			      struct trace_event *ev)
{
	char pat[24];
	const char *end;
	size_t len;

	if (strncmp(s, "name=", 5))
		return NULL;
	snprintf(pat, sizeof(pat), " %s=", next);
	end = last_of(s, pat);
	if (!end)
		return NULL;
	len = (size_t)(end - (s + 5));
	if (!len || len > LPC_NAME_MAX)
		return NULL;
	memcpy(ev->name, s + 5, len);
	ev->name[len] = '\0';
	ev->has_name = true;
	return end;
}

/* The fields after "lpc_<event>: ", by event. */
static bool parse_fields(const char *f, struct trace_event *ev)
{
	const char *rest;
	unsigned long long v;
	char by[16];

	switch (ev->kind) {
	case EV_CONNECT:
		ev->has_result = true;
		rest = field_name(f, "pid", ev);
		return rest && field_int(rest, "pid", &ev->pid) &&
		       field_num(rest, "uid", 10, &ev->uid) &&
		       field_num(rest, "data_len", 10, &ev->len) &&
		       field_int(rest, "result", &ev->result);
	case EV_ACCEPT:
		rest = field_name(f, "conn", ev);
		return rest && field_num(rest, "conn", 10, &ev->conn) &&
		       field_num(rest, "context", 16, &ev->context);
	case EV_REJECT:
		rest = field_name(f, "conn", ev);
		return rest && field_num(rest, "conn", 10, &ev->conn);
	case EV_SEND:
		ev->has_result = true;
		return field_num(f, "id", 10, &ev->id) &&
		       field_word(f, "type", ev->type, sizeof(ev->type)) &&
		       field_num(f, "len", 10, &ev->len) &&
		       field_num(f, "conn", 10, &ev->conn) &&
		       field_int(f, "result", &ev->result);
	case EV_RECEIVE:
		return field_num(f, "id", 10, &ev->id) &&
		       field_word(f, "type", ev->type, sizeof(ev->type)) &&
		       field_num(f, "len", 10, &ev->len) &&
		       field_num(f, "conn", 10, &ev->conn);
	case EV_REPLY:
		ev->has_result = true;
		return field_num(f, "request", 10, &ev->id) &&
		       field_num(f, "len", 10, &ev->len) &&
		       field_int(f, "result", &ev->result);
	case EV_CLOSE:
		if (!field_num(f, "conn", 10, &v) ||
		    !field_word(f, "notice", ev->type, sizeof(ev->type)) ||
		    !field_word(f, "by", by, sizeof(by)))
			return false;
		ev->conn = v;
		ev->by_server = !strcmp(by, "server");
		return true;
	}
	return false;
}

/*
 * The header before ": lpc_": "<comm>-<tid> [(<tgid>)] [<cpu>] <flags>
 * <time>". Read from the right: a comm may hold any character.
 */
static bool parse_header(const char *line, size_t hlen,
			 struct trace_event *ev)
{
	char head[256];
	char *p, *cpu, *dash;
	size_t n;

	if (hlen >= sizeof(head))
		return false;
	memcpy(head, line, hlen);
	head[hlen] = '\0';

	p = strrchr(head, ' ');		/* before the time */
	if (!p || strlen(p + 1) >= sizeof(ev->time))
		return false;
	strcpy(ev->time, p + 1);
	*p = '\0';
	cpu = strrchr(head, '[');	/* the CPU column */
	if (!cpu)
		return false;
	*cpu = '\0';
	n = strlen(head);
	while (n && head[n - 1] == ' ')
		head[--n] = '\0';
	ev->tgid = -1;
	if (n && head[n - 1] == ')') {
		p = strrchr(head, '(');
		if (!p)
			return false;
		ev->tgid = (int)strtol(p + 1 + strspn(p + 1, " "), NULL, 10);
		if (!ev->tgid)
			ev->tgid = -1;	/* "(-------)" */
		*p = '\0';
		n = strlen(head);
		while (n && head[n - 1] == ' ')
			head[--n] = '\0';
	}
	dash = strrchr(head, '-');
	if (!dash)
		return false;
	ev->tid = (int)strtol(dash + 1, NULL, 10);
	*dash = '\0';
	p = head + strspn(head, " ");
	snprintf(ev->comm, sizeof(ev->comm), "%s", p);
	return true;
}

int trace_line_parse(const char *line, struct trace_event *ev)
{
	const char *ev_start, *fields;
	size_t i, len;

	memset(ev, 0, sizeof(*ev));
	ev_start = strstr(line, ": lpc_");
	if (!ev_start)
		return 0;
	for (i = 0; i < NR_KINDS; i++) {
		len = strlen(kind_names[i]);
		if (!strncmp(ev_start + 6, kind_names[i], len) &&
		    !strncmp(ev_start + 6 + len, ": ", 2))
			break;
	}
	if (i == NR_KINDS)
		return 0;
	ev->kind = (enum trace_kind)i;
	fields = ev_start + 6 + len + 2;
	if (!parse_header(line, (size_t)(ev_start - line), ev) ||
	    !parse_fields(fields, ev))
		return -1;
	return 1;
}
