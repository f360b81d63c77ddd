// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The binder peer, on raw ioctls the way libbinder drives the driver.
 *
 * The server child opens the device, maps its receive area, becomes the
 * context manager (BINDER_SET_CONTEXT_MGR) and enters the looper; the
 * client (the measuring parent) sends BC_TRANSACTION to handle 0 and reads
 * until BR_REPLY, all in BINDER_WRITE_READ calls. As libbinder does, the
 * server sends BC_FREE_BUFFER for the request together with BC_REPLY and
 * then reads again, and the client frees each reply buffer with its next
 * transaction. Both payloads are read in place from the receiver's binder
 * mapping (as a Parcel is), so binder copies each payload once, where the
 * other peers copy it twice.
 *
 * Device: /dev/binder, else /dev/binderfs/binder, else binderfs is mounted
 * on /dev/binderfs for the run (and a "binder" device added through
 * binder-control if the mount has none).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lpcbench.h"

#if __has_include(<linux/android/binder.h>) && __has_include(<linux/android/binderfs.h>)
#include <linux/android/binder.h>
#include <linux/android/binderfs.h>
#define HAVE_BINDER 1
#else
#define HAVE_BINDER 0
#endif

static bool g_binderfs_mounted, g_binderfs_dir_made;
#define BINDERFS_DIR "/dev/binderfs"

void binder_restore(void)
{
	if (g_binderfs_mounted && umount2(BINDERFS_DIR, MNT_DETACH) == 0)
		g_binderfs_mounted = false;
	if (!g_binderfs_mounted && g_binderfs_dir_made && rmdir(BINDERFS_DIR) == 0)
		g_binderfs_dir_made = false;
}

#if HAVE_BINDER

#define TX_CODE		1	/* libbinder's FIRST_CALL_TRANSACTION */

static char g_dev[64];

struct binder_conn {
	int fd;
	void *map;
	size_t mapsz;
	unsigned char wbuf[512];	/* commands not yet written */
	size_t wlen;
	unsigned char rbuf[512];
};

static int add_binderfs_device(char *why)
{
	struct binderfs_device dev;
	int ctl = open(BINDERFS_DIR "/binder-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		return fail_errno(why, "open %s/binder-control", BINDERFS_DIR);
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "binder");
	if (ioctl(ctl, BINDER_CTL_ADD, &dev) < 0 && errno != EEXIST) {
		fail_errno(why, "BINDER_CTL_ADD binder");
		close(ctl);
		return -1;
	}
	close(ctl);
	return 0;
}

static int find_device(char *why)
{
	if (access("/dev/binder", F_OK) == 0) {
		snprintf(g_dev, sizeof(g_dev), "/dev/binder");
		return 0;
	}
	snprintf(g_dev, sizeof(g_dev), "%s/binder", BINDERFS_DIR);
	if (access(g_dev, F_OK) == 0)
		return 0;
	if (access(BINDERFS_DIR "/binder-control", F_OK) != 0) {
		if (mkdir(BINDERFS_DIR, 0755) == 0)
			g_binderfs_dir_made = true;
		else if (errno != EEXIST)
			return fail_errno(why, "no /dev/binder; mkdir %s",
					  BINDERFS_DIR);
		if (mount("binder", BINDERFS_DIR, "binder", 0, NULL) < 0) {
			fail_errno(why, "no /dev/binder; mount -t binder %s",
				   BINDERFS_DIR);
			binder_restore();
			return -1;
		}
		g_binderfs_mounted = true;
		note("binder: mounted binderfs on %s for this run",
		     BINDERFS_DIR);
	}
	if (access(g_dev, F_OK) != 0 && add_binderfs_device(why) < 0)
		return -1;
	if (access(g_dev, F_OK) != 0)
		return fail_errno(why, "%s", g_dev);
	return 0;
}

static void conn_close(struct binder_conn *b)
{
	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->mapsz);
	b->map = NULL;
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

static int conn_open(struct binder_conn *b, char *err)
{
	struct binder_version v;
	__u32 zero = 0;

	memset(b, 0, sizeof(*b));
	b->fd = open(g_dev, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return fail_errno(err, "open %s", g_dev);
	memset(&v, 0, sizeof(v));
	if (ioctl(b->fd, BINDER_VERSION, &v) < 0) {
		fail_errno(err, "BINDER_VERSION");
		goto fail;
	}
	if (v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION) {
		fail_msg(err, "binder protocol %d, built for %d",
			 v.protocol_version, BINDER_CURRENT_PROTOCOL_VERSION);
		goto fail;
	}
	/* libbinder's size: 1 MiB less two pages, read-only. */
	b->mapsz = (1u << 20) - 2 * (size_t)sysconf(_SC_PAGESIZE);
	b->map = mmap(NULL, b->mapsz, PROT_READ, MAP_PRIVATE | MAP_NORESERVE,
		      b->fd, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		fail_errno(err, "mmap %s", g_dev);
		goto fail;
	}
	if (ioctl(b->fd, BINDER_SET_MAX_THREADS, &zero) < 0) {
		fail_errno(err, "BINDER_SET_MAX_THREADS");
		goto fail;
	}
	return 0;
fail:
	conn_close(b);
	return -1;
}

static int put_cmd(struct binder_conn *b, __u32 cmd, const void *arg,
		   size_t len, char *err)
{
	if (b->wlen + sizeof(cmd) + len > sizeof(b->wbuf))
		return fail_msg(err, "binder: command buffer full");
	memcpy(b->wbuf + b->wlen, &cmd, sizeof(cmd));
	if (len)
		memcpy(b->wbuf + b->wlen + sizeof(cmd), arg, len);
	b->wlen += sizeof(cmd) + len;
	return 0;
}

/* One BINDER_WRITE_READ: write what is queued, and read if @rlen. */
static int write_read(struct binder_conn *b, size_t *rlen, char *err)
{
	struct binder_write_read bwr;

	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (binder_uintptr_t)(uintptr_t)b->wbuf;
	bwr.write_size = b->wlen;
	if (rlen) {
		bwr.read_buffer = (binder_uintptr_t)(uintptr_t)b->rbuf;
		bwr.read_size = sizeof(b->rbuf);
	}
	/* After EINTR the driver has stored its progress in the consumed
	 * fields; the same call resumes from there. */
	while (ioctl(b->fd, BINDER_WRITE_READ, &bwr) < 0) {
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(err, "BINDER_WRITE_READ");
	}
	if (bwr.write_consumed != bwr.write_size)
		return fail_msg(err, "binder: wrote %llu of %llu bytes",
				(unsigned long long)bwr.write_consumed,
				(unsigned long long)bwr.write_size);
	b->wlen = 0;
	if (rlen)
		*rlen = bwr.read_consumed;
	return 0;
}

/*
 * Walk the returns in rbuf. 1: @want (BR_TRANSACTION or BR_REPLY) was
 * there and is in *tr; 0: not yet; -1: error.
 */
static int parse(struct binder_conn *b, size_t len, __u32 want,
		 struct binder_transaction_data *tr, char *err)
{
	size_t off = 0;
	int got = 0;

	while (off + sizeof(__u32) <= len) {
		const unsigned char *p;
		struct binder_ptr_cookie pc;
		__u32 cmd;
		__s32 e;
		size_t sz;

		memcpy(&cmd, b->rbuf + off, sizeof(cmd));
		off += sizeof(cmd);
		sz = _IOC_SIZE(cmd);
		if (off + sz > len)
			return fail_msg(err, "binder: truncated return 0x%x",
					cmd);
		p = b->rbuf + off;
		off += sz;
		switch (cmd) {
		case BR_NOOP:
		case BR_TRANSACTION_COMPLETE:
		case BR_SPAWN_LOOPER:
		case BR_OK:
		case BR_RELEASE:
		case BR_DECREFS:
			break;
		case BR_INCREFS:
		case BR_ACQUIRE:
			memcpy(&pc, p, sizeof(pc));
			if (put_cmd(b, cmd == BR_INCREFS ? BC_INCREFS_DONE :
				    BC_ACQUIRE_DONE, &pc, sizeof(pc), err) < 0)
				return -1;
			break;
		case BR_TRANSACTION:
		case BR_TRANSACTION_SEC_CTX:
		case BR_REPLY:
			if ((cmd == BR_REPLY) != (want == BR_REPLY) || got)
				return fail_msg(err, "binder: unexpected %s",
						cmd == BR_REPLY ? "BR_REPLY" :
						"BR_TRANSACTION");
			/* binder_transaction_data_secctx starts with it */
			memcpy(tr, p, sizeof(*tr));
			got = 1;
			break;
		case BR_DEAD_REPLY:
			return fail_msg(err, "binder: BR_DEAD_REPLY");
		case BR_FAILED_REPLY:
			return fail_msg(err, "binder: BR_FAILED_REPLY");
		case BR_FROZEN_REPLY:
			return fail_msg(err, "binder: BR_FROZEN_REPLY");
		case BR_ERROR:
			memcpy(&e, p, sizeof(e));
			return fail_msg(err, "binder: BR_ERROR %d", e);
		default:
			/* Sized by its code; nothing we asked for. */
			break;
		}
	}
	return got;
}

/* Read until @want arrives (writing whatever is queued first). */
static int wait_for(struct binder_conn *b, __u32 want,
		    struct binder_transaction_data *tr, char *err)
{
	for (;;) {
		size_t rlen = 0;
		int r;

		if (write_read(b, &rlen, err) < 0)
			return -1;
		r = parse(b, rlen, want, tr, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
}

static int binder_probe(char *why)
{
	struct binder_conn b;

	if (find_device(why) < 0)
		return -1;
	if (conn_open(&b, why) < 0)
		return -1;
	conn_close(&b);
	return 0;
}

static int binder_size_ok(size_t size, char *why)
{
	if (size > INLINE_MAX)
		return fail_msg(why, "a transaction must fit the receiver's "
				"binder mapping (1 MiB - 8 KiB, as libbinder "
				"maps it); not run above 64 KiB");
	return 0;
}

static int binder_prepare(struct rtt_ctx *c)
{
	struct binder_conn *b = malloc(sizeof(*b));

	if (!b)
		return fail_errno(c->err, "malloc");
	b->fd = -1;
	b->map = NULL;
	c->priv = b;
	return 0;
}

static int binder_serve(struct rtt_ctx *c)
{
	struct binder_conn *b = c->priv;
	struct binder_transaction_data tr, rep;
	uint64_t deadline, i;
	__s32 zero = 0;

	c->fatal = true;
	if (conn_open(b, c->err) < 0)
		return -1;
	/* The previous cell's manager is released asynchronously. */
	deadline = now_ns() + 5000000000ull;
	while (ioctl(b->fd, BINDER_SET_CONTEXT_MGR, &zero) < 0) {
		if (errno == EBUSY && now_ns() < deadline) {
			usleep(2000);
			continue;
		}
		return fail_errno(c->err, "BINDER_SET_CONTEXT_MGR");
	}
	if (put_cmd(b, BC_ENTER_LOOPER, NULL, 0, c->err) < 0 ||
	    write_read(b, NULL, c->err) < 0)
		return -1;
	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	c->fatal = false;
	for (i = 1; i <= c->total; i++) {
		const unsigned char *req;

		if (wait_for(b, BR_TRANSACTION, &tr, c->err) < 0)
			return -1;
		if (tr.code != TX_CODE || tr.data_size != c->size ||
		    tr.offsets_size != 0 || (tr.flags & TF_ONE_WAY))
			return fail_msg(c->err, "binder: transaction %llu: "
					"code %u size %llu offsets %llu "
					"flags 0x%x", (unsigned long long)i,
					tr.code,
					(unsigned long long)tr.data_size,
					(unsigned long long)tr.offsets_size,
					tr.flags);
		req = (const unsigned char *)(uintptr_t)tr.data.ptr.buffer;
		stamp_reply(c->sbuf, req, c->size);
		if (put_cmd(b, BC_FREE_BUFFER, &tr.data.ptr.buffer,
			    sizeof(tr.data.ptr.buffer), c->err) < 0)
			return -1;
		memset(&rep, 0, sizeof(rep));
		rep.code = TX_CODE;
		rep.data_size = c->size;
		rep.offsets_size = 0;
		rep.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)c->sbuf;
		rep.data.ptr.offsets = 0;
		if (put_cmd(b, BC_REPLY, &rep, sizeof(rep), c->err) < 0)
			return -1;
	}
	/* Send the last reply; the next wait_for would have carried it. */
	return write_read(b, NULL, c->err);
}

static int binder_client_open(struct rtt_ctx *c)
{
	return conn_open(c->priv, c->err);
}

static int binder_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct binder_conn *b = c->priv;
	struct binder_transaction_data tr, rep;
	const unsigned char *data;

	stamp_put(c->sbuf, c->size, seq);
	memset(&tr, 0, sizeof(tr));
	tr.target.handle = 0;		/* the context manager */
	tr.code = TX_CODE;
	tr.flags = TF_ACCEPT_FDS;
	tr.data_size = c->size;
	tr.offsets_size = 0;
	tr.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)c->sbuf;
	tr.data.ptr.offsets = 0;
	if (put_cmd(b, BC_TRANSACTION, &tr, sizeof(tr), c->err) < 0 ||
	    wait_for(b, BR_REPLY, &rep, c->err) < 0)
		return -1;
	if ((rep.flags & TF_STATUS_CODE) || rep.data_size != c->size)
		return fail_msg(c->err, "binder: reply %llu: flags 0x%x size "
				"%llu", (unsigned long long)seq, rep.flags,
				(unsigned long long)rep.data_size);
	data = (const unsigned char *)(uintptr_t)rep.data.ptr.buffer;
	if (!stamp_ok(data, c->size, seq))
		return fail_msg(c->err, "binder: wrong reply payload to %llu",
				(unsigned long long)seq);
	/* Freed with the next transaction, as libbinder does. */
	return put_cmd(b, BC_FREE_BUFFER, &rep.data.ptr.buffer,
		       sizeof(rep.data.ptr.buffer), c->err);
}

static void binder_client_close(struct rtt_ctx *c)
{
	struct binder_conn *b = c->priv;

	if (!b || b->fd < 0)
		return;
	if (b->wlen) {
		char err[ERRLEN];

		if (write_read(b, NULL, err) < 0)
			fprintf(stderr, "lpcbench: %s\n", err);
	}
	conn_close(b);
}

static void binder_cleanup(struct rtt_ctx *c)
{
	binder_client_close(c);
	free(c->priv);
	c->priv = NULL;
}

const struct rtt_peer rtt_binder = {
	.name = "binder",
	.how = "BC_TRANSACTION to the context manager, BC_REPLY back, "
	       "BINDER_WRITE_READ as libbinder does; payloads read in place "
	       "from the receiver's binder mapping",
	.probe = binder_probe,
	.size_ok = binder_size_ok,
	.prepare = binder_prepare,
	.serve = binder_serve,
	.client_open = binder_client_open,
	.roundtrip = binder_roundtrip,
	.client_close = binder_client_close,
	.cleanup = binder_cleanup,
};

#else /* !HAVE_BINDER */

static int binder_probe(char *why)
{
	return fail_msg(why, "built without <linux/android/binder.h>");
}

const struct rtt_peer rtt_binder = {
	.name = "binder",
	.how = "not built",
	.probe = binder_probe,
};

#endif
