// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcbench: request/reply round-trip latency between two processes over
 * /dev/lpc and the usual Linux IPC mechanisms; with -T, datagram
 * throughput. See README.md in this directory.
 *
 * Method: for every (size, peer) cell the parent forks a server child,
 * connects, warms up, then times round trips with CLOCK_MONOTONIC (one
 * sample per -k round trips). Cells are interleaved: each round runs
 * every size and every peer once (peer order reversed on odd rounds), so
 * drift in the machine spreads over all peers instead of favouring one.
 * The tables report the median and the 99th percentile over all samples
 * of all rounds, then the ratio lpc/peer of the medians.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lpcbench.h"

struct opts g_opt;

static const struct rtt_peer *const all_rtt[] = {
	&rtt_lpc, &rtt_lpc_map, &rtt_eventfd, &rtt_futex, &rtt_mq,
	&rtt_pipe, &rtt_stream, &rtt_seqpacket, &rtt_binder,
};
static const struct scale_peer *const all_scale[] = {
	&scale_lpc, &scale_stream,
};
static const struct tput_peer *const all_tput[] = {
	&tput_lpc, &tput_lpc_batch, &tput_seqpacket, &tput_seqpacket_mmsg,
	&tput_pipe,
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const size_t default_sizes[] = {
	0, 64, 1024, 16384, 65536, 1u << 20, 16u << 20,
};
static const unsigned default_senders[] = { 1, 4, 16 };

static void usage(FILE *f)
{
	fprintf(f,
"usage: lpcbench [-q] [-n N] [-r R] [-k K] [-s SIZES] [-p PEERS] [-R] [-T]\n"
"                [-C COUNT] [-a] [-S COUNTS] [-w SEC] [-d SEC]\n"
"                [-P none|same|split] [-t TAG] [-v]\n"
"  -n N      round trips per cell for sizes up to 4 KiB (default 20000);\n"
"            16 KiB cells run N/4, 64 KiB N/10, up to 1 MiB N/100, above\n"
"            N/1000 (min 20).\n"
"            With -T: datagrams per cell and round (default 20000)\n"
"  -r R      interleaved rounds (default 5); N is split over them\n"
"  -k K      round trips per clock sample (default 1)\n"
"  -s SIZES  comma list of payload sizes, k/M suffixes allowed\n"
"            (default 0,64,1k,16k,64k,1M,16M; above 64k = through a view\n"
"            for lpc, a SIZE-byte request and an 8-byte reply for others;\n"
"            with -T default 64)\n"
"  -p PEERS  comma list of lpc,lpc-map,eventfd,futex,mq,pipe,stream,\n"
"            seqpacket,binder\n"
"            (default all; -T: lpc,lpc-batch,seqpacket,seqpacket-mmsg,pipe;\n"
"            -C: lpc,stream)\n"
"  -q        quick: N=1000, R=2 (and COUNT=1000 for -a) unless given\n"
"  -R        round trips (the default when no mode is given)\n"
"  -T        datagram throughput\n"
"  -C COUNT  connection scale: COUNT connections open at once, kernel\n"
"            memory per connection, connect+accept and close rates\n"
"  -a        all three: -R -T -C (COUNT 10000 unless -C says otherwise);\n"
"            modes run in that order\n"
"  -S COUNTS sender processes for -T (default 1,4,16)\n"
"  -w SEC    watchdog per cell and round (default 300)\n"
"  -d SEC    time cap per cell and round, 0 for none (default 4); a\n"
"            capped cell reports the round trips it measured\n"
"  -P MODE   CPU pinning: none (default), same (all on one CPU),\n"
"            split (server/senders on a second CPU)\n"
"  -t TAG    name the CSV blocks rtt-TAG, tput-TAG and scale-TAG\n"
"  -v        also print the median of each round\n");
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'k' || *end == 'K') {
		v <<= 10;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		v <<= 20;
		end++;
	}
	if (*end || v > (256ull << 20))
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse_sizes(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		return -1;
	g_opt.nsizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (g_opt.nsizes == MAX_SIZES ||
		    parse_size(tok, &g_opt.sizes[g_opt.nsizes]) < 0) {
			rc = -1;
			break;
		}
		g_opt.nsizes++;
	}
	free(copy);
	return rc || !g_opt.nsizes ? -1 : 0;
}

static int parse_senders(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL, *end;
	int rc = 0;

	if (!copy)
		return -1;
	g_opt.nsenders = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned long v = strtoul(tok, &end, 10);

		if (*end || v < 1 || v > MAX_SENDERS ||
		    g_opt.nsenders == MAX_SIZES) {
			rc = -1;
			break;
		}
		g_opt.senders[g_opt.nsenders++] = (unsigned)v;
	}
	free(copy);
	return rc || !g_opt.nsenders ? -1 : 0;
}

static bool peer_wanted(const char *name)
{
	const char *p = g_opt.peers;
	size_t n = strlen(name);

	if (!p)
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static int check_peer_names(void)
{
	const char *p = g_opt.peers;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		unsigned i;
		bool ok = false;

		for (i = 0; i < NELEM(all_rtt); i++)
			if (strlen(all_rtt[i]->name) == len &&
			    !strncmp(all_rtt[i]->name, p, len))
				ok = true;
		for (i = 0; i < NELEM(all_tput); i++)
			if (strlen(all_tput[i]->name) == len &&
			    !strncmp(all_tput[i]->name, p, len))
				ok = true;
		if (!ok) {
			fprintf(stderr, "lpcbench: unknown peer '%.*s'\n",
				(int)len, p);
			return -1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const char *size_label(size_t s, char *buf, size_t len)
{
	const char *view = s > INLINE_MAX ? "*" : "";

	if (s && s % (1u << 20) == 0)
		snprintf(buf, len, "%zuM%s", s >> 20, view);
	else if (s && s % 1024 == 0)
		snprintf(buf, len, "%zuK%s", s >> 10, view);
	else
		snprintf(buf, len, "%zu%s", s, view);
	return buf;
}

/* ------------------------------------------------------------------ */
/* round trips                                                        */

struct cell {
	uint64_t *samples;	/* ns per sample of k round trips */
	size_t nsamples, cap;
	uint64_t iters;		/* measured round trips */
	unsigned capped;	/* rounds stopped by the time cap */
	enum { C_RUN, C_NA, C_ERR } state;
	double median, p99;	/* ns per round trip */
	double *round_med;	/* -v: median of each round, 0 if none */
	uint64_t csw;		/* client context switches while measuring */
	char why[ERRLEN];
};

struct serve_arg {
	const struct rtt_peer *p;
	struct rtt_ctx *c;
};

static int serve_main(void *arg, int sock, char *err)
{
	struct serve_arg *a = arg;

	a->c->sock = sock;
	if (a->p->serve(a->c) < 0) {
		memcpy(err, a->c->err, ERRLEN);
		err_prefix(err, "server: ");
		return -1;
	}
	return 0;
}

static uint64_t iters_for(size_t size)
{
	uint64_t n = g_opt.n;

	/* The * rows copy SIZE bytes twice per round trip (all but lpc):
	 * a 16 MiB request costs ~10 ms of guest time per copy. */
	if (size > (1u << 20))
		n /= 1000;
	else if (size > INLINE_MAX)
		n /= 100;
	else if (size > 16384)
		n /= 10;
	else if (size > 4096)
		n /= 4;
	return n < 20 ? 20 : n;
}

/* One cell for one round: fork the server, time @per round trips. */
static int run_cell(const struct rtt_peer *p, size_t size, uint64_t per,
		    uint64_t warm, struct cell *cell, char *err, bool *fatal)
{
	struct serve_arg sa;
	struct rtt_ctx c;
	struct child ch = { -1, -1 };
	struct rusage ru0, ru1;
	bool opened = false;
	uint64_t seq = 1, b, nb = per / g_opt.k, i, start;
	int cpu_srv = -1;

	memset(&c, 0, sizeof(c));
	c.size = size;
	c.total = warm + nb * g_opt.k;
	c.bufsz = size > 8 ? size : 8;
	c.sbuf = malloc(c.bufsz);
	c.rbuf = malloc(c.bufsz);
	if (!c.sbuf || !c.rbuf) {
		free(c.sbuf);
		free(c.rbuf);
		return fail_errno(err, "malloc");
	}
	memset(c.sbuf, 0xa5, c.bufsz);
	memset(c.rbuf, 0, c.bufsz);
	if (g_opt.pin == PIN_SAME)
		cpu_srv = g_opt.cpu_a;
	else if (g_opt.pin == PIN_SPLIT)
		cpu_srv = g_opt.cpu_b;

	watchdog_arm(g_opt.timeout);
	if (p->prepare && p->prepare(&c) < 0)
		goto fail;
	sa.p = p;
	sa.c = &c;
	if (child_spawn(&ch, serve_main, &sa, cpu_srv, NULL, 0, c.err) < 0) {
		c.fatal = true;
		goto fail;
	}
	/* Failing to get going does not depend on the size. */
	if (child_wait_ready(&ch, c.err) < 0) {
		c.fatal = true;
		goto fail_kill;
	}
	if (p->client_open && p->client_open(&c) < 0) {
		c.fatal = true;
		goto fail_kill;
	}
	opened = true;

	/* The time cap: a quarter for the warm-up, the rest to measure.
	 * It never binds under icount with the defaults; it keeps a slow,
	 * noisy TCG run within the VM's time limit. */
	start = now_ns();
	for (i = 0; i < warm; i++) {
		if (p->roundtrip(&c, seq++) < 0)
			goto fail_kill;
		if (g_opt.cap_ns && now_ns() - start > g_opt.cap_ns / 4)
			break;
	}
	if (getrusage(RUSAGE_SELF, &ru0) < 0)
		memset(&ru0, 0, sizeof(ru0));
	start = now_ns();
	for (b = 0; b < nb; b++) {
		uint64_t t0 = now_ns(), t1;

		for (i = 0; i < g_opt.k; i++)
			if (p->roundtrip(&c, seq++) < 0)
				goto fail_kill;
		t1 = now_ns();
		cell->samples[cell->nsamples++] = t1 - t0;
		if (g_opt.cap_ns && t1 - start > g_opt.cap_ns && b + 1 < nb) {
			b++;
			break;
		}
	}
	if (getrusage(RUSAGE_SELF, &ru1) == 0)
		cell->csw += (uint64_t)((ru1.ru_nvcsw - ru0.ru_nvcsw) +
					(ru1.ru_nivcsw - ru0.ru_nivcsw));
	if (p->client_close)
		p->client_close(&c);
	opened = false;
	if (seq - 1 < c.total) {
		/* Stopped early: the server still waits for the rest. */
		child_kill(&ch, NULL);
		cell->capped++;
	} else if (child_finish(&ch, c.err) < 0) {
		goto fail;
	}
	watchdog_disarm();
	if (p->cleanup)
		p->cleanup(&c);
	cell->iters += b * g_opt.k;
	free(c.sbuf);
	free(c.rbuf);
	return 0;

fail_kill:
	if (opened && p->client_close)
		p->client_close(&c);
	child_kill(&ch, c.err);
fail:
	if (g_timeout) {
		err_prefix(c.err, "watchdog (%us): ", g_opt.timeout);
		c.fatal = true;
	}
	watchdog_disarm();
	if (ch.pid > 0)
		child_kill(&ch, NULL);
	if (p->cleanup)
		p->cleanup(&c);
	free(c.sbuf);
	free(c.rbuf);
	snprintf(err, ERRLEN, "%s", c.err[0] ? c.err : "failed");
	*fatal = c.fatal;
	return -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of n samples (sorts a copy), per round trip; 0 if n == 0. */
static double median_of(const uint64_t *v, size_t n)
{
	uint64_t *t;
	double m;

	if (!n)
		return 0;
	t = malloc(n * sizeof(*t));
	if (!t)
		return 0;
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_u64);
	m = n % 2 ? (double)t[n / 2] :
		((double)t[n / 2 - 1] + (double)t[n / 2]) / 2;
	free(t);
	return m / g_opt.k;
}

static void cell_stats(struct cell *c)
{
	size_t n = c->nsamples, i99;

	c->median = c->p99 = 0;
	if (!n)
		return;
	qsort(c->samples, n, sizeof(uint64_t), cmp_u64);
	c->median = n % 2 ? (double)c->samples[n / 2] :
		((double)c->samples[n / 2 - 1] + (double)c->samples[n / 2]) / 2;
	i99 = (n * 99 + 99) / 100;	/* ceil(0.99 n), 1-based */
	c->p99 = (double)c->samples[(i99 ? i99 : 1) - 1];
	c->median /= g_opt.k;
	c->p99 /= g_opt.k;
}

static void print_row_head(const char *title, const struct rtt_peer **peers,
			   unsigned np, int skip)
{
	unsigned pi;

	printf("\n%s\n%-6s", title, "size");
	for (pi = 0; pi < np; pi++)
		if ((int)pi != skip)
			printf(" %10s", peers[pi]->name);
	printf("\n");
}

static int run_rtt(void)
{
	const struct rtt_peer *peers[MAX_PEERS];
	char why[MAX_PEERS][ERRLEN];
	bool avail[MAX_PEERS];
	struct cell *cells;
	unsigned np = 0, ns = g_opt.nsizes, pi, si, r, j;
	int lpc = -1, status = 0;

	for (pi = 0; pi < NELEM(all_rtt); pi++)
		if (peer_wanted(all_rtt[pi]->name))
			peers[np++] = all_rtt[pi];
	if (!np) {
		printf("# no round-trip peer selected\n");
		return 0;
	}
	cells = calloc((size_t)np * ns, sizeof(*cells));
	if (!cells) {
		perror("lpcbench: calloc");
		return -1;
	}
#define CELL(p, s) (&cells[(p) * ns + (s)])

	printf("\n== round trip: request + reply of SIZE bytes each between two "
	       "processes (* rows: SIZE-byte request, 8-byte or empty reply); "
	       "%u rounds, %u round trip(s) per sample ==\n",
	       g_opt.rounds, g_opt.k);
	for (pi = 0; pi < np; pi++) {
		why[pi][0] = '\0';
		if (!strcmp(peers[pi]->name, "lpc"))
			lpc = (int)pi;
		avail[pi] = !peers[pi]->probe || peers[pi]->probe(why[pi]) == 0;
		printf("# %-10s %s\n", peers[pi]->name, peers[pi]->how);
		if (!avail[pi])
			printf("%s: unavailable (%s)\n", peers[pi]->name,
			       why[pi]);
		for (si = 0; si < ns; si++) {
			struct cell *c = CELL(pi, si);
			uint64_t per = (iters_for(g_opt.sizes[si]) +
					g_opt.rounds - 1) / g_opt.rounds;

			if (per < g_opt.k)
				per = g_opt.k;
			c->cap = (per / g_opt.k) * g_opt.rounds;
			if (avail[pi] && (peers[pi]->size_ok ?
			    peers[pi]->size_ok(g_opt.sizes[si], c->why) < 0 :
			    g_opt.sizes[si] > INLINE_MAX ?
			    fail_msg(c->why, "inline sizes only (up to 64 "
				     "KiB)") < 0 : false))
				c->state = C_NA;
			if (avail[pi] && c->state == C_RUN) {
				c->samples = calloc(c->cap, sizeof(uint64_t));
				if (g_opt.verbose)
					c->round_med = calloc(g_opt.rounds,
							      sizeof(double));
				if (!c->samples ||
				    (g_opt.verbose && !c->round_med)) {
					perror("lpcbench: calloc");
					return -1;
				}
			}
		}
	}
	fflush(stdout);

	for (r = 0; r < g_opt.rounds; r++) {
		fprintf(stderr, "lpcbench: round trip round %u/%u\n", r + 1,
			g_opt.rounds);
		for (si = 0; si < ns; si++) {
			uint64_t per = (iters_for(g_opt.sizes[si]) +
					g_opt.rounds - 1) / g_opt.rounds;
			uint64_t warm = per / 10;
			uint64_t wmin = g_opt.sizes[si] > INLINE_MAX ? 2 : 20;

			if (per < g_opt.k)
				per = g_opt.k;
			warm = warm < wmin ? wmin : warm > 1000 ? 1000 : warm;
			for (j = 0; j < np; j++) {
				struct cell *c;
				bool fatal = false;
				char err[ERRLEN];
				size_t first;

				pi = r % 2 ? np - 1 - j : j;
				c = CELL(pi, si);
				if (!avail[pi] || c->state != C_RUN)
					continue;
				err[0] = '\0';
				first = c->nsamples;

				if (run_cell(peers[pi], g_opt.sizes[si], per,
					     warm, c, err, &fatal) == 0) {
					if (c->round_med)
						c->round_med[r] = median_of(
							c->samples + first,
							c->nsamples - first);
					continue;
				}
				c->state = C_ERR;
				snprintf(c->why, ERRLEN, "%s", err);
				fprintf(stderr, "lpcbench: %s size %zu: %s\n",
					peers[pi]->name, g_opt.sizes[si], err);
				if (fatal) {
					avail[pi] = false;
					snprintf(why[pi], ERRLEN, "%s", err);
					printf("%s: unavailable (%s)\n",
					       peers[pi]->name, err);
					fflush(stdout);
				}
			}
		}
	}

	for (pi = 0; pi < np; pi++)
		for (si = 0; si < ns; si++)
			cell_stats(CELL(pi, si));

	for (int what = 0; what < 2; what++) {
		print_row_head(what ? "Round trip p99, ns" :
			       "Round trip median, ns (* = through a view)",
			       peers, np, -1);
		for (si = 0; si < ns; si++) {
			char lbl[32];

			printf("%-6s", size_label(g_opt.sizes[si], lbl,
						  sizeof(lbl)));
			for (pi = 0; pi < np; pi++) {
				struct cell *c = CELL(pi, si);
				double v = what ? c->p99 : c->median;

				if (c->state == C_RUN && c->nsamples)
					printf(" %10.0f", v);
				else
					printf(" %10s", c->state == C_ERR ?
					       "ERR" : "n/a");
			}
			printf("\n");
		}
	}
	if (lpc >= 0 && np > 1) {
		print_row_head("Ratio lpc/peer of medians (<1: lpc faster)",
			       peers, np, lpc);
		for (si = 0; si < ns; si++) {
			double l = CELL(lpc, si)->median;
			char lbl[32];

			printf("%-6s", size_label(g_opt.sizes[si], lbl,
						  sizeof(lbl)));
			for (pi = 0; pi < np; pi++) {
				double o = CELL(pi, si)->median;

				if ((int)pi == lpc)
					continue;
				if (l > 0 && o > 0 && l / o >= 0.1)
					printf(" %10.2f", l / o);
				else if (l > 0 && o > 0)	/* 0.00064 */
					printf(" %10.2g", l / o);
				else
					printf(" %10s", "n/a");
			}
			printf("\n");
		}
	}
	if (g_opt.verbose) {
		printf("\nMedian of each round, ns, and the client's context "
		       "switches per round trip (-v)\n%-6s %-10s", "size",
		       "peer");
		for (r = 0; r < g_opt.rounds; r++)
			printf(" %9u", r + 1);
		printf(" %7s\n", "csw/rt");
		for (si = 0; si < ns; si++)
			for (pi = 0; pi < np; pi++) {
				struct cell *c = CELL(pi, si);
				char lbl[32];

				if (!c->round_med || !c->nsamples)
					continue;
				printf("%-6s %-10s", size_label(g_opt.sizes[si],
				       lbl, sizeof(lbl)), peers[pi]->name);
				for (r = 0; r < g_opt.rounds; r++)
					printf(" %9.0f", c->round_med[r]);
				printf(" %7.2f\n", c->iters ? (double)c->csw /
				       (double)c->iters : 0.0);
			}
	}
	printf("\n");
	for (si = 0; si < ns; si++)
		if (g_opt.sizes[si] > INLINE_MAX) {
			printf("# * rows: lpc sends a view of a SIZE-byte section "
			       "(mapped into the server, nothing copied) and an "
			       "empty reply; stream, pipe, eventfd and futex send "
			       "SIZE bytes in the request, which the server reads "
			       "or copies whole into its private buffer (head and "
			       "tail stamps checked), and an 8-byte stamp as the "
			       "reply\n");
			break;
		}
	for (pi = 0; pi < np; pi++)
		for (si = 0; si < ns; si++)
			if (CELL(pi, si)->capped)
				printf("# %s size %zu: %u of %u rounds stopped "
				       "by the %.1f s cap (-d), %llu round trips "
				       "measured\n", peers[pi]->name,
				       g_opt.sizes[si], CELL(pi, si)->capped,
				       g_opt.rounds, (double)g_opt.cap_ns / 1e9,
				       (unsigned long long)CELL(pi, si)->iters);
	if (g_reply_info_note[0])
		printf("# lpc: warning: %s\n", g_reply_info_note);
	for (pi = 0; pi < np; pi++) {
		for (si = 0; si < ns; si++) {
			struct cell *c = CELL(pi, si);
			char lbl[32];
			unsigned sj;

			if (c->state == C_ERR && (int)pi != lpc)
				status = 1;
			if (c->state == C_RUN || !c->why[0] || !avail[pi])
				continue;
			/* One line per reason: the sizes that share it. */
			for (sj = 0; sj < si; sj++)
				if (CELL(pi, sj)->state == c->state &&
				    !strcmp(CELL(pi, sj)->why, c->why))
					break;
			if (sj < si)
				continue;
			printf("# %s size %s", peers[pi]->name,
			       size_label(g_opt.sizes[si], lbl, sizeof(lbl)));
			for (sj = si + 1; sj < ns; sj++)
				if (CELL(pi, sj)->state == c->state &&
				    !strcmp(CELL(pi, sj)->why, c->why))
					printf(",%s", size_label(g_opt.sizes[sj],
						lbl, sizeof(lbl)));
			printf(": %s: %s\n", c->state == C_NA ? "n/a" : "error",
			       c->why);
		}
		if (!avail[pi]) {
			printf("%s: unavailable (%s)\n", peers[pi]->name,
			       why[pi]);
			continue;
		}
		/* Not one cell measured, and errors: unavailable as well. */
		for (si = 0; si < ns; si++)
			if (CELL(pi, si)->nsamples)
				break;
		if (si == ns)
			for (si = 0; si < ns; si++)
				if (CELL(pi, si)->state == C_ERR) {
					printf("%s: unavailable (%s)\n",
					       peers[pi]->name,
					       CELL(pi, si)->why);
					break;
				}
	}

	printf("--- CSV BEGIN rtt%s%s ---\n", g_opt.tag ? "-" : "",
	       g_opt.tag ? g_opt.tag : "");
	printf("size,peer,median_ns,p99_ns,iterations\n");
	for (si = 0; si < ns; si++)
		for (pi = 0; pi < np; pi++) {
			struct cell *c = CELL(pi, si);

			if (c->state == C_RUN && c->nsamples)
				printf("%zu,%s,%.0f,%.0f,%llu\n",
				       g_opt.sizes[si], peers[pi]->name,
				       c->median, c->p99,
				       (unsigned long long)c->iters);
			else
				printf("%zu,%s,n/a,n/a,0\n", g_opt.sizes[si],
				       peers[pi]->name);
		}
	printf("--- CSV END ---\n");
	fflush(stdout);

	for (j = 0; j < np * ns; j++) {
		free(cells[j].samples);
		free(cells[j].round_med);
	}
	free(cells);
#undef CELL
	return status;
}

/* ------------------------------------------------------------------ */

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "?");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* New fds from the module must never land on 0-2. */
static void ensure_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd < 3)
		;
	if (fd >= 3)
		close(fd);
}

static void setup_pinning(void)
{
	cpu_set_t set;
	int cpu, n = 0;

	g_opt.cpu_a = g_opt.cpu_b = -1;
	if (g_opt.pin == PIN_NONE)
		return;
	if (sched_getaffinity(0, sizeof(set), &set) < 0) {
		perror("lpcbench: sched_getaffinity");
		g_opt.pin = PIN_NONE;
		return;
	}
	for (cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (n++ == 0)
			g_opt.cpu_a = cpu;
		else
			g_opt.cpu_b = cpu;
	}
	if (g_opt.pin == PIN_SPLIT && g_opt.cpu_b < 0) {
		note("pinning: only one CPU, 'split' becomes 'same'");
		g_opt.pin = PIN_SAME;
	}
	pin_self(g_opt.cpu_a);
}

static void restore_all(void)
{
	restore_mq_limit();
	binder_restore();
	restore_lpc_limits();
}

int main(int argc, char **argv)
{
	bool have_n = false, have_r = false, have_s = false, have_c = false;
	bool mode = false;
	const char *pin = "none";
	struct utsname u;
	char cs[64];
	int opt, status = 0;

	ensure_std_fds();
	g_opt.n = 20000;
	g_opt.rounds = 5;
	g_opt.k = 1;
	g_opt.timeout = 300;
	g_opt.cap_ns = 4000000000ull;
	g_opt.scale_count = 10000;
	while ((opt = getopt(argc, argv, "n:r:k:s:p:qRTC:aS:w:d:P:t:vh")) !=
	       -1) {
		char *end;
		unsigned long long v;

		switch (opt) {
		case 'n':
		case 'r':
		case 'k':
		case 'w':
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 1000000000ull) {
				fprintf(stderr, "lpcbench: bad -%c %s\n", opt,
					optarg);
				return 2;
			}
			if (opt == 'n') {
				g_opt.n = v;
				have_n = true;
			} else if (opt == 'r') {
				g_opt.rounds = (unsigned)(v > 1000 ? 1000 : v);
				have_r = true;
			} else if (opt == 'k') {
				g_opt.k = (unsigned)(v > 10000 ? 10000 : v);
			} else {
				g_opt.timeout = (unsigned)(v > 86400 ? 86400 : v);
			}
			break;
		case 'd': {
			double d = strtod(optarg, &end);

			if (*end || end == optarg || !(d >= 0 && d <= 86400)) {
				fprintf(stderr, "lpcbench: bad -d %s\n", optarg);
				return 2;
			}
			g_opt.cap_ns = (uint64_t)(d * 1e9);
			break;
		}
		case 's':
			if (parse_sizes(optarg) < 0) {
				fprintf(stderr, "lpcbench: bad -s %s\n", optarg);
				return 2;
			}
			have_s = true;
			break;
		case 'S':
			if (parse_senders(optarg) < 0) {
				fprintf(stderr, "lpcbench: bad -S %s (1..%d)\n",
					optarg, MAX_SENDERS);
				return 2;
			}
			break;
		case 'p':
			g_opt.peers = optarg;
			break;
		case 'q':
			g_opt.quick = true;
			break;
		case 'R':
			g_opt.rtt = mode = true;
			break;
		case 'T':
			g_opt.tput = mode = true;
			break;
		case 'C':
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 1000000) {
				fprintf(stderr, "lpcbench: bad -C %s (1..1000000)\n",
					optarg);
				return 2;
			}
			g_opt.scale_count = (unsigned)v;
			g_opt.scale = mode = have_c = true;
			break;
		case 'a':
			g_opt.rtt = g_opt.tput = g_opt.scale = mode = true;
			break;
		case 'P':
			pin = optarg;
			if (!strcmp(optarg, "none"))
				g_opt.pin = PIN_NONE;
			else if (!strcmp(optarg, "same"))
				g_opt.pin = PIN_SAME;
			else if (!strcmp(optarg, "split"))
				g_opt.pin = PIN_SPLIT;
			else {
				fprintf(stderr, "lpcbench: bad -P %s\n", optarg);
				return 2;
			}
			break;
		case 't':
			g_opt.tag = optarg;
			break;
		case 'v':
			g_opt.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (g_opt.peers && check_peer_names() < 0)
		return 2;
	if (!mode)
		g_opt.rtt = true;
	if (g_opt.quick) {
		if (!have_n)
			g_opt.n = 1000;
		if (!have_r)
			g_opt.rounds = 2;
		if (!have_c)
			g_opt.scale_count = 1000;
	}
	if (!g_opt.nsenders) {
		memcpy(g_opt.senders, default_senders, sizeof(default_senders));
		g_opt.nsenders = NELEM(default_senders);
	}

	signal(SIGPIPE, SIG_IGN);
	watchdog_install();
	atexit(restore_all);
	setup_pinning();

	uname(&u);
	read_line("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource", cs, sizeof(cs));
	printf("lpcbench: %s %s %s, %ld cpus online, clocksource %s, euid %d\n",
	       u.sysname, u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN),
	       cs, (int)geteuid());
	printf("# n=%llu rounds=%u k=%u cap=%.1fs watchdog=%us pin=%s%s; "
	       "modes:%s%s%s\n",
	       (unsigned long long)g_opt.n, g_opt.rounds, g_opt.k,
	       (double)g_opt.cap_ns / 1e9, g_opt.timeout, pin,
	       g_opt.quick ? " (quick)" : "", g_opt.rtt ? " round-trip" : "",
	       g_opt.tput ? " throughput" : "", g_opt.scale ? " scale" : "");
	printf("# clock: CLOCK_MONOTONIC, one clock_gettime pair costs ~%llu "
	       "ns (included in each sample; under -icount the clock counts "
	       "instructions)\n", (unsigned long long)clock_overhead_ns());
	fflush(stdout);

	if (g_opt.rtt) {
		if (!have_s) {
			memcpy(g_opt.sizes, default_sizes, sizeof(default_sizes));
			g_opt.nsizes = NELEM(default_sizes);
		}
		if (run_rtt() != 0)
			status = 1;
	}
	if (g_opt.tput) {
		const struct tput_peer *tp[MAX_PEERS];
		unsigned ntp = 0, i;

		if (!have_s) {
			g_opt.sizes[0] = 64;
			g_opt.nsizes = 1;
		}
		for (i = 0; i < NELEM(all_tput); i++)
			if (peer_wanted(all_tput[i]->name))
				tp[ntp++] = all_tput[i];
		if (!ntp)
			printf("# no throughput peer selected (lpc, lpc-batch, "
			       "seqpacket, seqpacket-mmsg, pipe)\n");
		else if (run_tput(tp, ntp) != 0)
			status = 1;
	}
	if (g_opt.scale) {
		const struct scale_peer *sp[MAX_PEERS];
		unsigned nsp = 0, i;

		for (i = 0; i < NELEM(all_scale); i++)
			if (peer_wanted(all_scale[i]->name))
				sp[nsp++] = all_scale[i];
		if (!nsp)
			printf("# no scale peer selected (lpc, stream)\n");
		else if (run_scale(sp, nsp) != 0)
			status = 1;
	}
	restore_all();
	return status;
}
