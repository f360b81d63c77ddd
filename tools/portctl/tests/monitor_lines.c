// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Feeds trace_pipe lines from stdin through the monitor's printer, as
 * 'portctl monitor' does with a live tracefs instance:
 *
 *	monitor_lines { text | json } [ PORT | - ] [ PID ] < tests/monitor.trace
 *
 * tests/run.sh compares the output with tests/monitor*.{txt,json}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_print.h"
#include "monitor.h"

int main(int argc, char **argv)
{
	const char *port = argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL;
	int pid = argc > 3 ? atoi(argv[3]) : 0;
	static struct monitor m;
	char line[4096];

	output_init(stdout, argc > 1 && !strcmp(argv[1], "json"), false);
	monitor_init(&m, port, pid);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (monitor_line(&m, line) < 0)
			return 1;
	}
	monitor_free(&m);
	output_finish();
	return 0;
}
