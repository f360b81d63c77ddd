/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * portctl: inspect lpc ports. Shared declarations.
 *
 * Grammar: portctl [OPTIONS] OBJECT { COMMAND | help } [ARGS]
 *
 * Adding an object: write <object>.c with a do_<object>(argc, argv) that
 * dispatches its commands through its own static struct cmd table and
 * cmd_select(), add it to the objects[] table in main.c, the OBJECT line
 * of the usage text, portctl.8 and bash-completion/portctl (tests/run.sh
 * checks that those four agree).
 */
#ifndef PORTCTL_MAIN_H
#define PORTCTL_MAIN_H

#include <stdbool.h>
#include <liblpc.h>

/* Exit codes. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the command ran and failed */
	EXIT_USAGE = 2,		/* the command line is wrong */
};

/* A command: gets the arguments after its own name. */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};

/* Global options, set once by main() before any command runs. */
struct portctl_opts {
	bool json;
	bool pretty;
	bool no_header;
	bool dry_run;		/* --dry-run: change nothing, print */
	const char *device;	/* LPC_DEVICE or /dev/lpc */
	int pid;		/* --pid: monitor only this process, or 0 */
};

extern struct portctl_opts opts;

bool is_prefix(const char *arg, const char *name);
/*
 * Run the command of @cmds that argv[0] names exactly or is an
 * unambiguous prefix of; print an error and return EXIT_USAGE otherwise.
 * With no argument, @help runs if given.
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv));

/* Print an error (text: stderr; JSON: {"error": ...} on stdout). */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format a major << 16 | minor << 8 | patch version as "1.2.3". */
const char *version_str(char *buf, size_t len, unsigned int code);

int do_version(int argc, char **argv);
int do_port(int argc, char **argv);
int do_conn(int argc, char **argv);
int do_acl(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_monitor(int argc, char **argv);

#endif /* PORTCTL_MAIN_H */
