/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Replay files: recorded answers of the module, so portctl's output can
 * be tested where there is no /dev/lpc (as ss does with TCPDIAG_FILE).
 * Only the test build of portctl reads them (replay_ioctl.c answers its
 * ioctls from one); the installed portctl knows nothing of them.
 *
 *	# comment
 *	version.api_version 1		struct lpc_version, as version.<field>
 *	[port]				one struct lpc_port_info per section
 *	name \RPC Control\lpc-demo	the rest of the line, verbatim
 *	nr_conns 2			<field> <number>: uapi field names
 *	[conn \RPC Control\lpc-demo]	one struct lpc_conn_info of that port
 *	context 1
 *	[ace \RPC Control\lpc-demo]	one struct lpc_ace of that port's ACL,
 *	action 1			in order
 *
 * Numbers are decimal, 0x hex or 0 octal; fields not given are 0.
 */
#ifndef PORTCTL_REPLAY_H
#define PORTCTL_REPLAY_H

#include <stddef.h>
#include <liblpc.h>

struct replay;

/* NULL after printing what is wrong (file and line). */
struct replay *replay_load(const char *path);
void replay_free(struct replay *r);

/* -ENODATA (and an error printed) if a version field is missing. */
int replay_version(const struct replay *r, struct lpc_version *v);

size_t replay_nports(const struct replay *r);
const struct lpc_port_info *replay_port(const struct replay *r, size_t i);
size_t replay_nconns(const struct replay *r);
/* The i-th connection, and in *port the name of its port. */
const struct lpc_conn_info *replay_conn(const struct replay *r, size_t i,
					const char **port);

size_t replay_naces(const struct replay *r);
/* The i-th ACL entry, and in *port the name of its port. */
const struct lpc_ace *replay_ace(const struct replay *r, size_t i,
				 const char **port);

#endif /* PORTCTL_REPLAY_H */
