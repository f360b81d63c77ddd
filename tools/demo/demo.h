/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Shared bits of the lpc echo demo (lpc-echo-server, lpc-echo-client).
 */
#ifndef LPC_DEMO_H
#define LPC_DEMO_H

#include <stddef.h>
#include <stdint.h>

#define DEMO_PORT_NAME	"\\RPC Control\\lpc-demo"
#define NSEC_PER_SEC	1000000000LL

/*
 * @data as a quoted, printable string for the log: control and non-ASCII
 * bytes as \xNN, cut after about 60 characters. Returns @buf.
 */
const char *demo_quote(char *buf, size_t size, const void *data, size_t len);

/* Seconds from the command line; exits with a message if not a number. */
int64_t demo_seconds(const char *prog, const char *arg);

/* stdout line-buffered, so server and client lines interleave in order. */
void demo_setup_output(void);

#endif /* LPC_DEMO_H */
