/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * lpcfuzz: what call.c and the generators in ops_*.c share.
 */
#ifndef LPCFUZZ_OPS_H
#define LPCFUZZ_OPS_H

#include "lpcfuzz.h"

#define P(x)	((u64)(uintptr_t)(x))

/* call.c */
u32 mut_flags(struct th *t, u32 flags, u32 valid);
u32 near(struct th *t, u32 limit);
u64 pick_timeout(struct th *t);
void set_wait(struct th *t, u32 *flags, u64 *tmo, u64 want);
void name_of(int name, char *buf, u32 *len);
int dev_fd(struct th *t, bool mutate);

/* ops_msg.c: what the batches of ops_mem.c use too */
enum { SA_CREDS = 1, SA_FDS = 2, SA_VIEW = 4, SA_DIRECT = 8 };
u64 build_sattr(struct th *t, struct lpc_msg_attr *a, int fd, u32 want);
void mut_attr(struct th *t, struct lpc_msg_attr *a, u64 *ptr);
void recv_setup(struct th *t, struct lpc_xfer *x, bool *attr_ok);
void mut_recv(struct th *t, struct lpc_xfer *x, bool *verify, bool *attr_ok);
void after_recv(struct th *t, int fd, struct lpc_xfer *x, bool verify,
		bool attr_ok);
u32 msg_len(struct th *t);
u32 msg_len_for(struct th *t, int fd);
void mut_send(struct th *t, struct lpc_xfer *x, bool *verify);

#endif /* LPCFUZZ_OPS_H */
