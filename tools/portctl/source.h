/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Where portctl gets its data: the device, through liblpc. Every
 * function prints its own errors and returns -errno. (The tests answer
 * liblpc's ioctls from recorded files: tests/replay_ioctl.c.)
 */
#ifndef PORTCTL_SOURCE_H
#define PORTCTL_SOURCE_H

#include <liblpc.h>

struct source {
	const char *path;	/* the device, for messages */
	int fd;			/* open device, or -1 */
};

/* Called per entry; a nonzero return stops the walk and is returned. */
typedef int (*port_fn)(const struct lpc_port_info *port, void *arg);
typedef int (*conn_fn)(const struct lpc_conn_info *conn, void *arg);

/* Open the device named in opts. */
int source_open(struct source *src);
void source_close(struct source *src);

/* LPC_IOC_VERSION. */
int source_version(struct source *src, struct lpc_version *v);
/* Every port the caller may query, in serial order. */
int source_ports(struct source *src, port_fn fn, void *arg);
/* One port by name; -ENOENT if there is none (or it may not be seen). */
int source_port(struct source *src, const char *name,
		struct lpc_port_info *info);
/* The connections of port @name. */
int source_conns(struct source *src, const char *name, conn_fn fn,
		 void *arg);

/*
 * The ACL of port @name into @aces (room for *@count); *@count gets the
 * number of entries. -ENOSPC if there is not room (*@count: needed).
 */
int source_acl_get(struct source *src, const char *name,
		   struct lpc_ace *aces, unsigned int *count);
/* Replace the ACL of port @name. */
int source_acl_set(struct source *src, const char *name,
		   const struct lpc_ace *aces, unsigned int count);

#endif /* PORTCTL_SOURCE_H */
