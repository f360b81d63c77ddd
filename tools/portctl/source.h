/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Where portctl gets its data: the live device through liblpc, or a
 * replay file with recorded answers, so the output can be tested on a
 * machine without the module (like ss with TCPDIAG_FILE).
 *
 * Replay files are lines of "key value"; '#' starts a comment; values
 * are numbers (decimal, 0x hex or 0 octal). Known keys:
 *
 *	version.api_version, version.max_name_len, version.features,
 *	version.max_msg_len, version.module_version
 *
 * (the fields of struct lpc_version). New objects add their own keys.
 */
#ifndef PORTCTL_SOURCE_H
#define PORTCTL_SOURCE_H

#include <liblpc.h>

struct replay;

struct source {
	const char *path;	/* device or replay file, for messages */
	int fd;			/* open device, or -1 */
	struct replay *replay;	/* parsed replay file, or NULL */
};

/* Open the device or replay file named in opts; prints errors itself. */
int source_open(struct source *src);
void source_close(struct source *src);

/* LPC_IOC_VERSION or its recorded answer; prints errors itself. */
int source_version(struct source *src, struct lpc_version *v);

#endif /* PORTCTL_SOURCE_H */
