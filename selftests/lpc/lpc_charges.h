/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Are the caller's per-user charges back to zero?
 *
 * module/limits.c counts, per effective uid, the connection ports, the
 * connections and the bytes of sections a user holds; user space cannot
 * read the counts, but it can see them through the limits: with
 * max_ports_per_user set to P, a user with nothing charged creates exactly
 * P ports and the next one fails with -EDQUOT. lpc_charges_zero() does
 * that for the three counts, with small limits, in a forked child that
 * dropped CAP_SYS_RESOURCE (which lifts the limits, not the counting), and
 * puts the module parameters back afterwards.
 *
 * For tests that run as root and leave nothing of their own open: any
 * object of the caller's euid still alive (a leaked port, connection or
 * section, or a charge never given back) makes it fail.
 */
#ifndef __LPC_CHARGES_H
#define __LPC_CHARGES_H

#include <stdarg.h>
#include <sys/capability.h>

#include "lpc_sys.h"
#include "lpc_pair.h"

#define LPC_CHG_PORTS		4
#define LPC_CHG_CONNS		2
#define LPC_CHG_SECTION		(8 * 4096ULL)

/* What the child reports: 0, or a step number and a message. */
struct lpc_chg_result {
	int failed;
	char why[240];
};

static inline void lpc_chg_fail(struct lpc_chg_result *r, const char *fmt,
				...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = 1;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static inline int lpc_chg_drop_resource_cap(void)
{
	cap_value_t cap = CAP_SYS_RESOURCE;
	cap_t caps = cap_get_proc();
	int ret = -EPERM;

	if (!caps)
		return -errno;
	if (!cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR) &&
	    !cap_set_flag(caps, CAP_PERMITTED, 1, &cap, CAP_CLEAR) &&
	    !cap_set_proc(caps))
		ret = 0;
	cap_free(caps);
	return ret;
}

/* The child: fill each count up to its limit, and one more must fail. */
static inline void lpc_chg_child(struct lpc_chg_result *r)
{
	int ports[LPC_CHG_PORTS], client[LPC_CHG_CONNS], server[LPC_CHG_CONNS];
	char names[LPC_CHG_PORTS][64], extra[64];
	struct lpc_connect c;
	int dev, i, ret, sec;

	for (i = 0; i < LPC_CHG_PORTS; i++)
		ports[i] = -1;
	for (i = 0; i < LPC_CHG_CONNS; i++)
		client[i] = server[i] = -1;
	ret = lpc_chg_drop_resource_cap();
	if (ret) {
		lpc_chg_fail(r, "drop CAP_SYS_RESOURCE: %s", strerror(-ret));
		return;
	}
	dev = lpc_open_dev();
	if (dev < 0) {
		lpc_chg_fail(r, "open /dev/lpc: %s", strerror(-dev));
		return;
	}
	for (i = 0; i < LPC_CHG_PORTS; i++) {
		snprintf(names[i], sizeof(names[i]), "lpc-charges/%d/%d",
			 getpid(), i);
		ports[i] = lpc_create(dev, names[i]);
		if (ports[i] < 0) {
			lpc_chg_fail(r, "port %d of %d: %s: ports still charged to uid %u",
				     i + 1, LPC_CHG_PORTS,
				     strerror(-ports[i]), geteuid());
			goto out;
		}
	}
	snprintf(extra, sizeof(extra), "lpc-charges/%d/x", getpid());
	ret = lpc_create(dev, extra);
	if (ret >= 0)
		close(ret);
	if (ret != -EDQUOT) {
		lpc_chg_fail(r, "port %d over a limit of %d: %s, not EDQUOT",
			     LPC_CHG_PORTS + 1, LPC_CHG_PORTS,
			     ret >= 0 ? "created" : strerror(-ret));
		goto out;
	}
	for (i = 0; i < LPC_CHG_CONNS; i++) {
		ret = lpc_connect_pair(dev, ports[0], names[0], i + 1, 0,
				       &client[i], &server[i]);
		if (ret) {
			lpc_chg_fail(r, "connection %d of %d: %s: connections still charged to uid %u",
				     i + 1, LPC_CHG_CONNS, strerror(-ret),
				     geteuid());
			goto out;
		}
	}
	/* Refused before the server sees it: no one needs to accept. */
	lpc_connect_init(&c, names[0], LPC_SHORT_NS);
	ret = sys_lpc_connect(dev, &c);
	if (ret >= 0)
		close(ret);
	if (ret != -EDQUOT) {
		lpc_chg_fail(r, "connection %d over a limit of %d: %s, not EDQUOT",
			     LPC_CHG_CONNS + 1, LPC_CHG_CONNS,
			     ret >= 0 ? "connected" : strerror(-ret));
		goto out;
	}
	sec = lpc_section_new(client[0], LPC_CHG_SECTION);
	if (sec < 0) {
		lpc_chg_fail(r, "section of the whole %llu-byte limit: %s: section bytes still charged to uid %u",
			     LPC_CHG_SECTION, strerror(-sec), geteuid());
		goto out;
	}
	ret = lpc_section_new(client[1], 4096);
	if (ret >= 0)
		close(ret);
	if (ret != -EDQUOT)
		lpc_chg_fail(r, "a page over the section limit: %s, not EDQUOT",
			     ret >= 0 ? "created" : strerror(-ret));
	close(sec);
out:
	for (i = 0; i < LPC_CHG_CONNS; i++) {
		lpc_close(&client[i]);
		lpc_close(&server[i]);
	}
	for (i = 0; i < LPC_CHG_PORTS; i++)
		lpc_close(&ports[i]);
	close(dev);
}

/*
 * 0 if the caller's euid has no port, connection or section bytes
 * charged; otherwise -1 with the reason in @why. -ENOENT (with a reason)
 * if the module parameters are not there to play with.
 */
static inline int lpc_charges_zero(char *why, size_t size)
{
	static const char *const names[] = {
		"max_ports_per_user", "max_conns_per_user",
		"max_section_bytes_per_user",
	};
	const unsigned long limits[] = {
		LPC_CHG_PORTS, LPC_CHG_CONNS, LPC_CHG_SECTION,
	};
	unsigned long saved[3];
	struct lpc_chg_result *r;
	int i, ret = 0, status;
	pid_t pid;

	for (i = 0; i < 3; i++) {
		if (lpc_param_read(names[i], &saved[i])) {
			snprintf(why, size, "no %s%s", LPC_PARAM_DIR, names[i]);
			return -ENOENT;
		}
	}
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED) {
		snprintf(why, size, "mmap: %s", strerror(errno));
		return -1;
	}
	memset(r, 0, sizeof(*r));
	for (i = 0; i < 3; i++) {
		if (lpc_param_write(names[i], limits[i])) {
			snprintf(why, size, "cannot set %s", names[i]);
			ret = -1;
			goto restore;
		}
	}
	pid = fork();
	if (pid == 0) {
		lpc_child_init();
		lpc_chg_child(r);
		_exit(0);
	}
	status = pid < 0 ? -errno : lpc_wait_child(pid, 4 * LPC_WAIT_MS);
	if (status) {
		snprintf(why, size, "the checking child ended with %d", status);
		ret = -1;
	} else if (r->failed) {
		snprintf(why, size, "%s", r->why);
		ret = -1;
	}
restore:
	for (i = 0; i < 3; i++)
		if (lpc_param_write(names[i], saved[i]) && !ret) {
			snprintf(why, size, "cannot restore %s", names[i]);
			ret = -1;
		}
	munmap(r, sizeof(*r));
	return ret;
}

/*
 * The connection ports the caller's IPC namespace lists (root sees them
 * all): how many, and the first name in @first. -errno on failure.
 */
static inline int lpc_count_ports(int dev, char *first, size_t size)
{
	struct lpc_port_info info[8];
	struct lpc_query q;
	int ret, total = 0;

	if (first && size)
		first[0] = '\0';
	memset(&q, 0, sizeof(q));
	do {
		q.buf = lpc_ptr(info);
		q.count = 8;
		q.entry_size = sizeof(info[0]);
		ret = lpc_ioctl(dev, LPC_IOC_PORT_LIST, &q);
		if (ret < 0)
			return ret;
		if (q.count && first && size && !first[0])
			snprintf(first, size, "%s", (char *)info[0].name);
		total += (int)q.count;
	} while (q.cursor);
	return total;
}

#endif /* __LPC_CHARGES_H */
