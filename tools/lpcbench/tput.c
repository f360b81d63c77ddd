// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Datagram throughput (-T): N sender processes each send per_sender
 * datagrams as fast as they can to one receiver (the measuring parent);
 * the rate is datagrams received per second between the start signal and
 * the last datagram. Peers and sender counts are interleaved over rounds
 * like the latency cells; the reported rate is the median of the rounds.
 *
 * Every datagram of 8 bytes or more carries (sender + 1) << 48 | number
 * in its first 8 bytes; the receiver checks that each sender's datagrams
 * arrive complete, once each and in order, and counts them all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lpcbench.h"

struct tput_cell {
	double *rate;		/* one per round */
	unsigned nrate;
	uint64_t msgs;		/* datagrams counted, all rounds */
	double med;		/* median rate, 0 if none */
	unsigned capped;	/* rounds stopped by the time cap */
	enum { T_RUN, T_NA, T_ERR } state;
	char why[ERRLEN];
};

struct sender_arg {
	const struct tput_peer *p;
	struct tput_ctx *c;
	int go_fd;
};

#define STAMP_SHIFT	48

static void tput_stamp(struct tput_ctx *c, unsigned entry, uint64_t n)
{
	uint64_t v = (uint64_t)(c->sender + 1) << STAMP_SHIFT | n;

	if (c->size >= 8)
		memcpy(TPUT_BUF(c, entry), &v, 8);
}

/*
 * Check the k datagrams just received against each sender's next number
 * (next[s]), and advance it. Where the peer reports the connection
 * (c->src), each connection must carry one sender's datagrams and each
 * sender use one connection: conn[src] and rev[s] record the pairing
 * first seen (-1: none yet; connections are accepted in arrival order).
 */
static int tput_check(struct tput_ctx *c, unsigned k, uint64_t *next,
		      int *conn, int *rev)
{
	unsigned i;

	for (i = 0; i < k; i++) {
		uint64_t v, s, n;

		if (c->size < 8)
			continue;
		memcpy(&v, TPUT_BUF(c, i), 8);
		s = (v >> STAMP_SHIFT) - 1;
		n = v & ((1ULL << STAMP_SHIFT) - 1);
		if ((v >> STAMP_SHIFT) == 0 || s >= c->nsenders)
			return fail_msg(c->err, "datagram with stamp 0x%llx "
					"from no sender", (unsigned long long)v);
		if (c->src[i] >= 0) {
			int src = c->src[i];

			if (conn[src] < 0 && rev[s] < 0) {
				conn[src] = (int)s;
				rev[s] = src;
			} else if (conn[src] != (int)s) {
				return fail_msg(c->err, "connection %d carries "
						"datagrams of senders %d and "
						"%llu", src, conn[src],
						(unsigned long long)s);
			}
		}
		if (n != next[s])
			return fail_msg(c->err, "sender %llu: datagram %llu, "
					"expected %llu (lost, repeated or out "
					"of order)", (unsigned long long)s,
					(unsigned long long)n,
					(unsigned long long)next[s]);
		next[s]++;
	}
	return 0;
}

static int sender_main(void *arg, int sock, char *err)
{
	struct sender_arg *a = arg;
	struct tput_ctx *c = a->c;
	uint64_t i;
	char ch;
	ssize_t r;

	if (a->p->sender_open && a->p->sender_open(c) < 0)
		goto fail;
	if (child_ready(sock) < 0)
		return fail_errno(err, "sender: ready");
	/* Start signal: the parent closes the write end. */
	do
		r = read(a->go_fd, &ch, 1);
	while (r < 0 && errno == EINTR);
	if (r != 0)
		return fail_errno(err, "sender: start signal");
	for (i = 0; i < c->per_sender;) {
		uint64_t left = c->per_sender - i;
		unsigned want = 1, j;
		int k;

		if (a->p->send_batch && left > 1)
			want = left < TPUT_BATCH ? (unsigned)left : TPUT_BATCH;
		for (j = 0; j < want; j++)
			tput_stamp(c, j, i + j);
		if (a->p->send_batch)
			k = a->p->send_batch(c, want);
		else
			k = a->p->send_one(c) < 0 ? -1 : 1;
		if (k <= 0 || (unsigned)k > want) {
			if (k >= 0)
				fail_msg(c->err, "a batch of %u sent %d", want,
					 k);
			goto fail;
		}
		i += (unsigned)k;
	}
	return 0;
fail:
	memcpy(err, c->err, ERRLEN);
	err_prefix(err, "sender: ");
	return -1;
}

static int run_one(const struct tput_peer *p, size_t size, unsigned nsenders,
		   uint64_t total, double *rate, uint64_t *moved, bool *capped,
		   char *err, bool *fatal)
{
	struct child kids[MAX_SENDERS];
	int closefds[MAX_SENDERS + 1];
	struct sender_arg arg;
	struct tput_ctx c;
	uint64_t t0, t1, m, n, check_at, *next = NULL;
	int *conn = NULL, *rev = NULL;
	int go[2] = { -1, -1 };
	unsigned i, spawned = 0;
	int cpu_rx = -1, cpu_tx = -1;

	memset(&c, 0, sizeof(c));
	c.size = size;
	c.nsenders = nsenders;
	c.per_sender = total / nsenders ? total / nsenders : 1;
	c.bufsz = size > 8 ? size : 8;
	c.buf = calloc(TPUT_BATCH, c.bufsz);
	next = calloc(nsenders, sizeof(*next));
	conn = malloc(nsenders * sizeof(*conn));
	rev = malloc(nsenders * sizeof(*rev));
	if (!c.buf || !next || !conn || !rev) {
		free(c.buf);
		free(next);
		free(conn);
		free(rev);
		return fail_errno(err, "calloc");
	}
	for (i = 0; i < nsenders; i++)
		conn[i] = rev[i] = -1;
	if (g_opt.pin == PIN_SAME) {
		cpu_rx = cpu_tx = g_opt.cpu_a;
	} else if (g_opt.pin == PIN_SPLIT) {
		cpu_rx = g_opt.cpu_a;
		cpu_tx = g_opt.cpu_b;
	}
	(void)cpu_rx;	/* the parent pinned itself at start */

	watchdog_arm(g_opt.timeout);
	if (pipe2(go, O_CLOEXEC) < 0) {
		fail_errno(c.err, "pipe2");
		goto fail;
	}
	if (p->prepare && p->prepare(&c) < 0)
		goto fail;
	arg.p = p;
	arg.c = &c;
	arg.go_fd = go[0];
	closefds[0] = go[1];
	for (i = 0; i < nsenders; i++) {
		c.sender = i;	/* the child's copy keeps it */
		if (child_spawn(&kids[i], sender_main, &arg, cpu_tx, closefds,
				i + 1, c.err) < 0) {
			c.fatal = true;
			goto fail_kill;
		}
		closefds[i + 1] = kids[i].sock;
		spawned++;
	}
	close(go[0]);
	go[0] = -1;
	if (p->accept && p->accept(&c) < 0)
		goto fail_kill;
	for (i = 0; i < nsenders; i++) {
		if (child_wait_ready(&kids[i], c.err) < 0) {
			c.fatal = true;
			goto fail_kill;
		}
	}

	n = c.per_sender * nsenders;
	check_at = 64;
	t0 = now_ns();
	close(go[1]);
	go[1] = -1;
	for (m = 0; m < n;) {
		unsigned want = n - m < TPUT_BATCH ? (unsigned)(n - m) :
			TPUT_BATCH;
		int k;

		for (i = 0; i < TPUT_BATCH; i++)
			c.src[i] = -1;
		if (p->recv_batch)
			k = p->recv_batch(&c, want);
		else
			k = p->recv_one(&c) < 0 ? -1 : 1;
		if (k <= 0 || (unsigned)k > (p->recv_batch ? want : 1)) {
			if (k >= 0)
				fail_msg(c.err, "a receive of up to %u returned "
					 "%d", want, k);
			goto fail_kill;
		}
		if (tput_check(&c, (unsigned)k, next, conn, rev) < 0)
			goto fail_kill;
		m += (unsigned)k;
		/* The time cap, looked at every 64 datagrams or so. */
		if (g_opt.cap_ns && m >= check_at && m < n) {
			check_at = m + 64;
			if (now_ns() - t0 > g_opt.cap_ns)
				break;
		}
	}
	t1 = now_ns();

	if (m == n && c.size >= 8) {
		for (i = 0; i < nsenders; i++)
			if (next[i] != c.per_sender) {
				fail_msg(c.err, "sender %u: %llu of %llu "
					 "datagrams received", i,
					 (unsigned long long)next[i],
					 (unsigned long long)c.per_sender);
				goto fail_kill;
			}
	}

	if (m < n) {
		/* Capped: the senders still have datagrams to send. */
		for (i = 0; i < nsenders; i++)
			child_kill(&kids[i], NULL);
		*capped = true;
	} else {
		for (i = 0; i < nsenders; i++) {
			if (child_finish(&kids[i], c.err) < 0) {
				/* reap the rest before failing */
				for (i++; i < nsenders; i++)
					child_kill(&kids[i], NULL);
				goto fail;
			}
		}
	}
	watchdog_disarm();
	if (p->cleanup)
		p->cleanup(&c);
	free(c.buf);
	free(next);
	free(conn);
	free(rev);
	*rate = (double)m * 1e9 / (double)(t1 > t0 ? t1 - t0 : 1);
	*moved = m;
	return 0;

fail_kill:
	for (i = 0; i < spawned; i++)
		child_kill(&kids[i], c.err);
fail:
	if (g_timeout) {
		err_prefix(c.err, "watchdog (%us): ", g_opt.timeout);
		c.fatal = true;
	}
	watchdog_disarm();
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (p->cleanup)
		p->cleanup(&c);
	free(c.buf);
	free(next);
	free(conn);
	free(rev);
	snprintf(err, ERRLEN, "%s", c.err[0] ? c.err : "failed");
	*fatal = c.fatal;
	return -1;
}

/* cells of run_tput: peer p, size s, sender count k; needs ns and nk */
#define CELL(p, s, k) (&cells[((p) * ns + (s)) * nk + (k)])

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static const char *size_label(size_t s, char *buf, size_t len)
{
	if (s && s % (1u << 20) == 0)
		snprintf(buf, len, "%zuM", s >> 20);
	else if (s && s % 1024 == 0)
		snprintf(buf, len, "%zuK", s >> 10);
	else
		snprintf(buf, len, "%zu", s);
	return buf;
}

static void print_head(const struct tput_peer *const *peers, unsigned np,
		       int skip)
{
	unsigned pi;

	printf("%-6s %-7s", "size", "senders");
	for (pi = 0; pi < np; pi++)
		if ((int)pi != skip)
			printf(" %14s", peers[pi]->name);
	printf("\n");
}

/* Ratio @base/peer of the medians, if @base is among the peers. */
static void ratio_table(const struct tput_peer *const *peers, unsigned np,
			const struct tput_cell *cells, const char *base)
{
	unsigned ns = g_opt.nsizes, nk = g_opt.nsenders, b, pi, si, ki;

	for (b = 0; b < np; b++)
		if (!strcmp(peers[b]->name, base))
			break;
	if (b == np || np < 2)
		return;
	printf("\nRatio %s/peer of datagrams per second (>1: %s moves "
	       "more)\n", base, base);
	print_head(peers, np, (int)b);
	for (si = 0; si < ns; si++)
		for (ki = 0; ki < nk; ki++) {
			double l = CELL(b, si, ki)->med;
			char lbl[32];

			printf("%-6s %-7u", size_label(g_opt.sizes[si], lbl,
							sizeof(lbl)),
			       g_opt.senders[ki]);
			for (pi = 0; pi < np; pi++) {
				double o = CELL(pi, si, ki)->med;

				if (pi == b)
					continue;
				if (l > 0 && o > 0)
					printf(" %14.2f", l / o);
				else
					printf(" %14s", "n/a");
			}
			printf("\n");
		}
}

int run_tput(const struct tput_peer *const *peers, unsigned np)
{
	unsigned ns = g_opt.nsizes, nk = g_opt.nsenders;
	struct tput_cell *cells;
	bool avail[MAX_PEERS];
	char why[MAX_PEERS][ERRLEN];
	unsigned pi, si, ki, r, j;
	uint64_t total = g_opt.n;
	int status = 0;

	cells = calloc((size_t)np * ns * nk, sizeof(*cells));
	if (!cells) {
		perror("lpcbench: calloc");
		return -1;
	}

	printf("\n== datagram throughput: %llu datagrams per cell and round, "
	       "%u rounds ==\n", (unsigned long long)total, g_opt.rounds);
	for (pi = 0; pi < np; pi++) {
		why[pi][0] = '\0';
		avail[pi] = !peers[pi]->probe || peers[pi]->probe(why[pi]) == 0;
		printf("# %-10s %s\n", peers[pi]->name, peers[pi]->how);
		if (!avail[pi])
			printf("%s: unavailable (%s)\n", peers[pi]->name,
			       why[pi]);
		for (si = 0; si < ns; si++) {
			for (ki = 0; ki < nk; ki++) {
				struct tput_cell *t = CELL(pi, si, ki);

				t->rate = calloc(g_opt.rounds, sizeof(double));
				if (!t->rate) {
					perror("lpcbench: calloc");
					return -1;
				}
				if (avail[pi] && peers[pi]->size_ok &&
				    peers[pi]->size_ok(g_opt.sizes[si],
						       g_opt.senders[ki],
						       t->why) < 0)
					t->state = T_NA;
			}
		}
	}
	fflush(stdout);

	for (r = 0; r < g_opt.rounds; r++) {
		fprintf(stderr, "lpcbench: throughput round %u/%u\n", r + 1,
			g_opt.rounds);
		for (si = 0; si < ns; si++) {
			for (ki = 0; ki < nk; ki++) {
				for (j = 0; j < np; j++) {
					struct tput_cell *t;
					double rate = 0;
					uint64_t moved = 0;
					bool fatal = false;
					char err[ERRLEN];

					pi = r % 2 ? np - 1 - j : j;
					t = CELL(pi, si, ki);
					if (!avail[pi] || t->state != T_RUN)
						continue;
					err[0] = '\0';
					bool capped = false;

					if (run_one(peers[pi], g_opt.sizes[si],
						    g_opt.senders[ki], total,
						    &rate, &moved, &capped,
						    err, &fatal) == 0) {
						t->rate[t->nrate++] = rate;
						t->msgs += moved;
						t->capped += capped;
						continue;
					}
					t->state = T_ERR;
					snprintf(t->why, ERRLEN, "%s", err);
					fprintf(stderr, "lpcbench: %s size %zu "
						"x%u: %s\n", peers[pi]->name,
						g_opt.sizes[si],
						g_opt.senders[ki], err);
					if (fatal) {
						avail[pi] = false;
						snprintf(why[pi], ERRLEN, "%s",
							 err);
						printf("%s: unavailable (%s)\n",
						       peers[pi]->name, err);
					}
				}
			}
		}
	}

	/* medians over the rounds; 0 when there is none */
	for (pi = 0; pi < np; pi++)
		for (si = 0; si < ns; si++)
			for (ki = 0; ki < nk; ki++) {
				struct tput_cell *t = CELL(pi, si, ki);

				t->med = 0;
				if (!t->nrate || t->state != T_RUN)
					continue;
				qsort(t->rate, t->nrate, sizeof(double),
				      cmp_double);
				t->med = t->nrate % 2 ? t->rate[t->nrate / 2] :
					(t->rate[t->nrate / 2 - 1] +
					 t->rate[t->nrate / 2]) / 2;
			}

	printf("\nDatagrams per second, median of rounds (higher is better)\n");
	print_head(peers, np, -1);
	for (si = 0; si < ns; si++)
		for (ki = 0; ki < nk; ki++) {
			char lbl[32];

			printf("%-6s %-7u", size_label(g_opt.sizes[si], lbl,
							sizeof(lbl)),
			       g_opt.senders[ki]);
			for (pi = 0; pi < np; pi++) {
				struct tput_cell *t = CELL(pi, si, ki);

				if (t->med > 0)
					printf(" %14.0f", t->med);
				else
					printf(" %14s", t->state == T_ERR ?
					       "ERR" : "n/a");
			}
			printf("\n");
		}

	ratio_table(peers, np, cells, "lpc");
	ratio_table(peers, np, cells, "lpc-batch");

	for (pi = 0; pi < np; pi++)
		for (si = 0; si < ns; si++)
			for (ki = 0; ki < nk; ki++) {
				struct tput_cell *t = CELL(pi, si, ki);

				if (t->state != T_RUN && t->why[0] &&
				    avail[pi])
					printf("# %s size %zu x%u: %s: %s\n",
					       peers[pi]->name,
					       g_opt.sizes[si],
					       g_opt.senders[ki],
					       t->state == T_NA ? "n/a" :
					       "error", t->why);
				if (t->capped)
					printf("# %s size %zu x%u: %u of %u rounds "
					       "stopped by the %.1f s cap (-d), "
					       "%llu datagrams counted\n",
					       peers[pi]->name, g_opt.sizes[si],
					       g_opt.senders[ki], t->capped,
					       g_opt.rounds,
					       (double)g_opt.cap_ns / 1e9,
					       (unsigned long long)t->msgs);
				if (t->state == T_ERR &&
				    strncmp(peers[pi]->name, "lpc", 3))
					status = 1;
			}
	for (pi = 0; pi < np; pi++)
		if (!avail[pi])
			printf("%s: unavailable (%s)\n", peers[pi]->name,
			       why[pi]);

	printf("--- CSV BEGIN tput%s%s ---\n", g_opt.tag ? "-" : "",
	       g_opt.tag ? g_opt.tag : "");
	printf("size,peer,senders,msgs_per_sec,messages\n");
	for (si = 0; si < ns; si++)
		for (ki = 0; ki < nk; ki++)
			for (pi = 0; pi < np; pi++) {
				struct tput_cell *t = CELL(pi, si, ki);

				printf("%zu,%s,%u,", g_opt.sizes[si],
				       peers[pi]->name, g_opt.senders[ki]);
				if (t->med > 0)
					printf("%.0f,%llu\n", t->med,
					       (unsigned long long)t->msgs);
				else
					printf("n/a,0\n");
			}
	printf("--- CSV END ---\n");
	fflush(stdout);
	for (j = 0; j < np * ns * nk; j++)
		free(cells[j].rate);
	free(cells);
	return status;
}
