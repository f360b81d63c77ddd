// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: statistics in memory shared by every process (results per
 * ioctl by errno, event counts, the names in use, inconsistencies), and
 * the table printed at the end and, with -v, every 5 s.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lpcfuzz.h"

static const char *const op_names[NR_OPS] = {
	[OP_VERSION] = "VERSION",
	[OP_CREATE_PORT] = "CREATE_PORT",
	[OP_CONNECT] = "CONNECT",
	[OP_PORT_LIST] = "PORT_LIST",
	[OP_PORT_INFO] = "PORT_INFO",
	[OP_CONN_LIST] = "CONN_LIST",
	[OP_ACL_GET] = "ACL_GET",
	[OP_ACL_SET] = "ACL_SET",
	[OP_ACCEPT] = "ACCEPT",
	[OP_XFER_SYNC] = "XFER request+wait",
	[OP_XFER_ASYNC] = "XFER async request",
	[OP_XFER_DGRAM] = "XFER datagram",
	[OP_XFER_REPLY] = "XFER reply",
	[OP_XFER_REPLY_RECV] = "XFER reply+receive",
	[OP_XFER_RECV] = "XFER receive",
	[OP_XFER_ODD] = "XFER invalid",
	[OP_CANCEL] = "CANCEL",
	[OP_DISCONNECT] = "DISCONNECT",
	[OP_SENDER_CHECK] = "SENDER_CHECK",
	[OP_SECTION_CREATE] = "SECTION_CREATE",
	[OP_VIEW_RELEASE] = "VIEW_RELEASE",
	[OP_DIRECT_READ] = "DIRECT_READ",
	[OP_DIRECT_WRITE] = "DIRECT_WRITE",
	[OP_SEND_BATCH] = "SEND_BATCH",
	[OP_RECV_BATCH] = "RECV_BATCH",
	[OP_BOGUS] = "unknown ioctls",
};

static const char *const ev_names[NR_EVS] = {
	[EV_CONNECTED] = "connections established",
	[EV_ACCEPTED] = "connections accepted",
	[EV_REJECTED] = "connections rejected",
	[EV_REPLIED] = "requests replied",
	[EV_SYNC_REPLIES] = "synchronous replies received",
	[EV_ASYNC_REPLIES] = "asynchronous replies received",
	[EV_LOST_REPLIES] = "lost-reply notices",
	[EV_REQUESTS_RX] = "requests received",
	[EV_DGRAMS_RX] = "datagrams received",
	[EV_NOTICES_RX] = "close notices received",
	[EV_VIEWS_MAPPED] = "views mapped",
	[EV_VIEW_FDS] = "views received as fds",
	[EV_FDS_RX] = "fds received in messages",
	[EV_DIRECT_BYTES] = "direct bytes copied",
	[EV_PAYLOADS_OK] = "payloads verified",
	[EV_PAGES_OK] = "view pages verified",
	[EV_VIEW_FD_REUSED] = "views of a reused section fd",
	[EV_FORKS] = "forks",
	[EV_KILLS] = "workers killed by a sibling",
	[EV_RESTARTS] = "workers restarted",
	[EV_EXITS] = "workers exited mid-flight",
	[EV_LEFTOVERS] = "processes killed at the end",
	[EV_SCM_SENT] = "fds passed over SCM_RIGHTS",
	[EV_SCM_RX] = "fds received over SCM_RIGHTS",
	[EV_FAULTS] = "faults injected (fail-nth)",
	[EV_SIGBUS] = "view touches that faulted",
	[EV_RACE_REBUILDS] = "race connections made",
	[EV_STALLS] = "copies held up in slow memory",
	[EV_INCONSISTENT] = "inconsistencies",
};

const char *op_name(enum op op)
{
	return op_names[op];
}

void stat_op(enum op op, int err)
{
	if (err < 0 || err >= NR_ERRNO)
		err = NR_ERRNO - 1;
	__atomic_fetch_add(&g_sh->res[op][err], 1, __ATOMIC_RELAXED);
}

void stat_clean(enum op op, int err)
{
	__atomic_fetch_add(&g_sh->clean[op][0], 1, __ATOMIC_RELAXED);
	if (!err)
		__atomic_fetch_add(&g_sh->clean[op][1], 1, __ATOMIC_RELAXED);
}

void name_live(int name)
{
	if (name >= 0 && name < NR_NAMES)
		__atomic_store_n(&g_sh->name_seen[name], now_ns(),
				 __ATOMIC_RELAXED);
}

/* A name to connect to: of three, the one created or reached last. */
int name_pick(struct th *t)
{
	int best = (int)rn(&t->r, NR_NAMES), i, c;

	if (one_in(&t->r, 5))
		return best;
	for (i = 0; i < 2; i++) {
		c = (int)rn(&t->r, NR_NAMES);
		if (g_sh->name_seen[c] > g_sh->name_seen[best])
			best = c;
	}
	return best;
}

void inconsistent(const char *fmt, ...)
{
	u32 n = __atomic_fetch_add(&g_sh->nincons, 1, __ATOMIC_RELAXED);
	char buf[256];
	va_list ap;
	int len;

	ev_add(EV_INCONSISTENT, 1);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < MAX_INCONS)
		memcpy(g_sh->incons[n], buf, sizeof(buf));
	/* at once too: the kernel may not let us print the table */
	len = snprintf(NULL, 0, "lpcfuzz: INCONSISTENT (worker %d): %s\n",
		       g_p ? g_p->idx : -1, buf);
	if (n < 50 && len > 0) {
		char out[400];

		snprintf(out, sizeof(out),
			 "lpcfuzz: INCONSISTENT (worker %d): %s\n",
			 g_p ? g_p->idx : -1, buf);
		if (write(2, out, strlen(out)) < 0) {
			/* ignored */
		}
	}
}

static const char *errname(int e)
{
	static char buf[16];
	const char *s;

	if (e == 0)
		return "ok";
	if (e == NR_ERRNO - 1)
		return "other";
	s = strerrorname_np(e);
	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

void print_table(u64 secs)
{
	u64 total_calls = 0, total_ok = 0;
	int op, e;

	printf("\nlpcfuzz: %-20s %9s %6s %7s  %s\n", "ioctl", "calls", "ok%",
	       "clean%", "results (errno:count, most frequent first)");
	for (op = 0; op < NR_OPS; op++) {
		u64 calls = 0, ok = g_sh->res[op][0];
		u64 shown[NR_ERRNO];
		char line[512];
		int n = 0, k;

		for (e = 0; e < NR_ERRNO; e++) {
			calls += g_sh->res[op][e];
			shown[e] = g_sh->res[op][e];
		}
		total_calls += calls;
		total_ok += ok;
		line[0] = 0;
		for (k = 0; k < 6; k++) {
			int best = -1;

			for (e = 0; e < NR_ERRNO; e++)
				if (shown[e] && (best < 0 || shown[e] > shown[best]))
					best = e;
			if (best < 0)
				break;
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      "%s%s:%llu", k ? " " : "", errname(best),
				      (unsigned long long)shown[best]);
			shown[best] = 0;
		}
		for (e = 0; e < NR_ERRNO; e++)
			if (shown[e])
				break;
		if (e < NR_ERRNO)
			snprintf(line + n, sizeof(line) - (size_t)n, " ...");
		printf("lpcfuzz: %-20s %9llu %5.1f%% %6.1f%%  %s\n", op_names[op],
		       (unsigned long long)calls,
		       calls ? 100.0 * (double)ok / (double)calls : 0.0,
		       g_sh->clean[op][0] ? 100.0 * (double)g_sh->clean[op][1] /
		       (double)g_sh->clean[op][0] : 0.0, line);
	}
	printf("lpcfuzz: %-20s %9llu %5.1f%%          (%.0f calls/s)\n", "all",
	       (unsigned long long)total_calls,
	       total_calls ? 100.0 * (double)total_ok / (double)total_calls : 0,
	       secs ? (double)total_calls / (double)secs : 0.0);
	printf("lpcfuzz: (ok%%: of all calls; clean%%: of the calls nothing was mutated in)\n");
	printf("lpcfuzz:\n");
	for (e = 0; e < NR_EVS; e++)
		printf("lpcfuzz: %-32s %llu\n", ev_names[e],
		       (unsigned long long)g_sh->ev[e]);
}

/*
 * One line every 10 s (the whole table every 5 s with -v): a kernel panic
 * leaves no table at the end, but these.
 */
void progress(u64 start)
{
	u64 calls = 0, ok = 0;
	int op, e;

	for (op = 0; op < NR_OPS; op++) {
		for (e = 0; e < NR_ERRNO; e++)
			calls += g_sh->res[op][e];
		ok += g_sh->res[op][0];
	}
	printf("lpcfuzz: %3llu s: %llu calls, %.1f%% ok; %llu connections, %llu replies, %llu datagrams, %llu views, %llu direct bytes, %llu inconsistencies\n",
	       (unsigned long long)((now_ns() - start) / 1000000000ULL),
	       (unsigned long long)calls,
	       calls ? 100.0 * (double)ok / (double)calls : 0.0,
	       (unsigned long long)g_sh->ev[EV_CONNECTED],
	       (unsigned long long)g_sh->ev[EV_REPLIED],
	       (unsigned long long)g_sh->ev[EV_DGRAMS_RX],
	       (unsigned long long)g_sh->ev[EV_VIEWS_MAPPED],
	       (unsigned long long)g_sh->ev[EV_DIRECT_BYTES],
	       (unsigned long long)g_sh->ev[EV_INCONSISTENT]);
	if (g_opt.verbose)
		print_table((now_ns() - start) / 1000000000ULL);
}
