/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * lpcbench: request/reply latency and datagram throughput of /dev/lpc
 * against the usual Linux IPC mechanisms, measured between processes.
 *
 * Shared declarations. Every peer (lpc, eventfd, futex, ...) is a table of
 * functions; the drivers in main.c (round trips) and tput.c (datagrams)
 * fork the other side, time the loop and print the tables.
 */
#ifndef LPCBENCH_H
#define LPCBENCH_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#define ERRLEN		256
/* Largest inline message: the same as LPC_MSG_MAX. Larger sizes are the
 * "through a view" rows: lpc sends a view of a section of that size and an
 * empty reply; the peers that can carry them (stream, pipe, eventfd,
 * futex) send that many bytes in the request, which the server reads or
 * copies into its private buffer, and an 8-byte stamp as the reply. */
#define INLINE_MAX	65536
#define MAX_PEERS	16
#define MAX_SIZES	32
#define MAX_SENDERS	256

enum pin_mode { PIN_NONE, PIN_SAME, PIN_SPLIT };

struct opts {
	uint64_t n;		/* base iterations per cell (size <= 4 KiB) */
	unsigned rounds;	/* interleaved rounds */
	unsigned k;		/* round trips per clock sample */
	unsigned timeout;	/* watchdog seconds per cell and round */
	uint64_t cap_ns;	/* time cap per cell and round, 0: none */
	enum pin_mode pin;
	int cpu_a, cpu_b;	/* CPUs used by PIN_SAME / PIN_SPLIT */
	bool quick;
	bool verbose;		/* per-round medians */
	bool rtt;		/* run the round-trip tables */
	bool tput;		/* run the throughput tables */
	bool scale;		/* run the connection scale table */
	unsigned scale_count;	/* connections held open at once */
	const char *tag;	/* CSV block name suffix, or NULL */
	size_t sizes[MAX_SIZES];
	unsigned nsizes;
	unsigned senders[MAX_SIZES];
	unsigned nsenders;
	const char *peers;	/* comma list, NULL for all */
};

extern struct opts g_opt;
extern volatile sig_atomic_t g_timeout;

/* ---- errors and logging (util.c) ---- */
int fail_errno(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fail_msg(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Put a formatted prefix in front of the message in err. */
void err_prefix(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append, truncating at ERRLEN. */
void err_append(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

uint64_t now_ns(void);
uint64_t clock_overhead_ns(void);

/* Whole-buffer I/O. 0: done; -1: error with errno (ETIMEDOUT once the
 * watchdog fired); 1 (read only): end of file before the first byte. */
int read_full(int fd, void *buf, size_t len);

/* A number read from, or written to, a /proc or /sys file: -1 on error
 * (errno set for a write). */
long read_long(const char *path);
int write_long(const char *path, long v);
int write_full(int fd, const void *buf, size_t len);

/* EINTR while waiting: keep waiting unless the watchdog fired. */
static inline bool retry_eintr(int e)
{
	return e == EINTR && !g_timeout;
}

/* ---- watchdog (util.c) ---- */
void watchdog_install(void);
void watchdog_arm(unsigned seconds);
void watchdog_disarm(void);

/* ---- children (util.c) ----
 * A child talks to the parent over a stream socket: it writes "R" once
 * ready, or "E<message>" and exits on error; when done it blocks until
 * the parent closes its end, so the peer's resources stay alive until the
 * measuring side has finished. */
struct child {
	pid_t pid;
	int sock;	/* parent's end */
};

typedef int (*child_fn)(void *arg, int sock, char *err);

/* closefds: parent-only descriptors the child must not keep. */
int child_spawn(struct child *ch, child_fn fn, void *arg, int cpu,
		const int *closefds, unsigned nclose, char *err);
int child_ready(int sock);		/* in the child */
int child_wait_ready(struct child *ch, char *err);
/* Wait for the byte @want from the child (as for "R"); an "E" message,
 * another byte or the child's death fail with the reason in err. */
int child_wait_byte(struct child *ch, char want, char *err);
int child_finish(struct child *ch, char *err);	/* success path */
void child_kill(struct child *ch, char *err);	/* failure path; adds the
						 * child's message to err */
void pin_self(int cpu);

/* ---- payload stamps ----
 * The first 8 bytes of every request carry the round-trip number and the
 * reply carries its complement, so a peer that loses, repeats or fails to
 * overwrite a message is caught at once, at O(1) cost per round trip. */
static inline void stamp_put(unsigned char *buf, size_t size, uint64_t seq)
{
	if (size >= 8)
		memcpy(buf, &seq, 8);
}

static inline void stamp_reply(unsigned char *reply, const unsigned char *req,
			       size_t size)
{
	uint64_t v;

	if (size >= 8) {
		memcpy(&v, req, 8);
		v = ~v;
		memcpy(reply, &v, 8);
	}
}

static inline bool stamp_ok(const unsigned char *reply, size_t size,
			    uint64_t seq)
{
	uint64_t v;

	if (size < 8)
		return true;
	memcpy(&v, reply, 8);
	return v == ~seq;
}

/*
 * Rows above INLINE_MAX: the request carries @size bytes, the reply only
 * the 8-byte stamp. The request also carries its number in its last 8
 * bytes, and the server checks that both ends agree, so a request that
 * did not move whole (a short read, a stale tail) fails the cell.
 */
static inline size_t rtt_reply_len(size_t size)
{
	return size > INLINE_MAX ? 8 : size;
}

static inline void stamp_request(unsigned char *buf, size_t size, uint64_t seq)
{
	stamp_put(buf, size, seq);
	if (size > INLINE_MAX)
		memcpy(buf + size - 8, &seq, 8);
}

static inline bool stamp_request_ok(const unsigned char *req, size_t size)
{
	return size <= INLINE_MAX || !memcmp(req, req + size - 8, 8);
}

/* ---- round-trip peers ---- */
struct rtt_ctx {
	size_t size;		/* payload bytes, each way */
	uint64_t total;		/* round trips the server answers, warm-up
				 * included; the client numbers them 1..total */
	unsigned char *sbuf;	/* private send buffer, max(size, 8) bytes */
	unsigned char *rbuf;	/* private receive buffer, likewise */
	size_t bufsz;
	int sock;		/* server child: socket to the parent */
	void *priv;		/* the peer's state */
	bool fatal;		/* error does not depend on the size */
	char err[ERRLEN];
};

struct rtt_peer {
	const char *name;
	const char *how;	/* how the payload travels */
	/* Once, in the parent. NULL: always available. */
	int (*probe)(char *why);
	/* 0, or -1 with the reason the cell is n/a. NULL: sizes up to
	 * INLINE_MAX. */
	int (*size_ok)(size_t size, char *why);
	/* Parent, before the fork (resources both sides inherit). */
	int (*prepare)(struct rtt_ctx *c);
	/* Server child: set up, call child_ready(c->sock), answer c->total
	 * round trips and return. */
	int (*serve)(struct rtt_ctx *c);
	/* Parent, once the server is ready. */
	int (*client_open)(struct rtt_ctx *c);
	/* Parent: one round trip numbered seq. */
	int (*roundtrip)(struct rtt_ctx *c, uint64_t seq);
	void (*client_close)(struct rtt_ctx *c);
	/* Parent, after the server exited. */
	void (*cleanup)(struct rtt_ctx *c);
};

/* Deviations of the lpc module from the uapi seen while measuring. */
extern char g_reply_info_note[ERRLEN];

extern const struct rtt_peer rtt_lpc, rtt_lpc_map, rtt_eventfd, rtt_futex,
	rtt_mq, rtt_pipe, rtt_stream, rtt_seqpacket, rtt_binder;

/* size_ok for peers that carry every size. */
int size_ok_any(size_t size, char *why);

/* ---- datagram throughput peers (tput.c drives them) ---- */

/* Most datagrams one send_batch/recv_batch call moves (LPC_BATCH_MAX). */
#define TPUT_BATCH	64

struct tput_ctx {
	size_t size;		/* datagram payload bytes */
	unsigned nsenders;
	uint64_t per_sender;	/* datagrams each sender sends */
	/* TPUT_BATCH buffers of bufsz = max(size, 8) bytes each, one per
	 * batch entry (TPUT_BUF); send_one and recv_one use the first. The
	 * driver stamps what is sent and checks what was received. */
	unsigned char *buf;
	size_t bufsz;
	unsigned sender;	/* in a sender child: its index */
	/* recv_one/recv_batch: the sender index of each datagram received,
	 * when the peer knows it (lpc: the port context), else -1. */
	int src[TPUT_BATCH];
	void *priv;
	bool fatal;
	char err[ERRLEN];
};

#define TPUT_BUF(c, i)	((c)->buf + (size_t)(i) * (c)->bufsz)

struct tput_peer {
	const char *name;
	const char *how;
	int (*probe)(char *why);
	int (*size_ok)(size_t size, unsigned nsenders, char *why);
	/* Parent, before forking the senders. */
	int (*prepare)(struct tput_ctx *c);
	/* Sender child: set up (connect), then return; the driver reports
	 * ready and waits for the start signal before calling send_one. */
	int (*sender_open)(struct tput_ctx *c);
	int (*send_one)(struct tput_ctx *c);
	/* Parent, after forking, before the start (lpc accepts here). */
	int (*accept)(struct tput_ctx *c);
	/* Parent: receive one datagram into TPUT_BUF(c, 0). */
	int (*recv_one)(struct tput_ctx *c);
	/*
	 * Batching peers (lpc-batch, seqpacket-mmsg) fill these in; the
	 * driver then calls them instead of send_one and recv_one, to move
	 * up to @batch (<= TPUT_BATCH) datagrams per call, entry i in
	 * TPUT_BUF(c, i). They return how many moved (at least 1), or -1
	 * with c->err set.
	 */
	int (*send_batch)(struct tput_ctx *c, unsigned batch);
	int (*recv_batch)(struct tput_ctx *c, unsigned batch);
	void (*cleanup)(struct tput_ctx *c);
};

extern const struct tput_peer tput_lpc, tput_lpc_batch, tput_seqpacket,
	tput_seqpacket_mmsg, tput_pipe;

int run_tput(const struct tput_peer *const *peers, unsigned npeers);

/* ---- connection scale peers (scale.c drives them) ---- */
struct scale_ctx {
	unsigned count;		/* connections held open at once */
	char name[64];		/* the server's port or socket name */
	int lfd;		/* server child: listening port or socket */
	void *priv;
	char err[ERRLEN];
};

struct scale_peer {
	const char *name;
	const char *how;
	int (*probe)(char *why);	/* parent, once; NULL: available */
	/* Server child: create the listening port or socket as c->lfd. */
	int (*listen)(struct scale_ctx *c);
	/* Server child: accept one connection; its fd, or -1. */
	int (*accept)(struct scale_ctx *c);
	/* Client (the parent): open one connection; its fd, or -1. */
	int (*connect)(struct scale_ctx *c);
};

extern const struct scale_peer scale_lpc, scale_stream;

int run_scale(const struct scale_peer *const *peers, unsigned npeers);

/* ---- environment changes undone at exit ---- */
void restore_mq_limit(void);	/* peers_posix.c */
void binder_restore(void);	/* peer_binder.c */
void restore_lpc_limits(void);	/* scale.c */

#endif /* LPCBENCH_H */
