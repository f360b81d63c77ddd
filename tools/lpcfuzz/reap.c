// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: the end of a run. Every process the run started goes, whatever
 * it is doing, before the supervisor exits: one left behind holds ports,
 * and the rmmod after the run fails (it did, in CI, when a child of a
 * worker outlived it; see fork.c).
 *
 * The workers are gone when this runs. The supervisor is a child
 * subreaper, so every process they left is its child now, and the
 * children of those become its own as they die: kill the children alive,
 * reap, and again, until there is no child left.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lpcfuzz.h"

#define MAX_SEEN	1024

/* The state and parent of @pid from /proc/PID/stat; false if it is gone. */
static bool proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512], *end;
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses */
	end = ok ? strrchr(buf, ')') : NULL;
	return end && sscanf(end + 1, " %c %d", state, ppid) == 2;
}

/* SIGKILL every live child; return how many were not killed before. */
static int kill_children(pid_t *seen, int *nseen)
{
	pid_t self = getpid(), pid, ppid;
	struct dirent *de;
	int fresh = 0, i;
	char state;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (!proc_stat(pid, &state, &ppid) || ppid != self ||
		    state == 'Z')
			continue;
		kill(pid, SIGKILL);
		for (i = 0; i < *nseen && seen[i] != pid; i++)
			;
		if (i == *nseen && *nseen < MAX_SEEN) {
			seen[(*nseen)++] = pid;
			fresh++;
		}
	}
	closedir(d);
	return fresh;
}

/* Print each line of the file at @path after @prefix; nothing if it is gone. */
static void print_lines(const char *path, const char *prefix)
{
	char line[256];
	FILE *f = fopen(path, "re");

	while (f && fgets(line, sizeof(line), f))
		printf("%s%s%s", prefix, line,
		       strchr(line, '\n') ? "" : "\n");
	if (f)
		fclose(f);
}

/* What a process SIGKILL does not end is doing: each thread, in the kernel. */
static void describe(pid_t pid)
{
	char path[320], prefix[320];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(prefix, sizeof(prefix),
			 "lpcfuzz:   pid %d thread %s waits in ", (int)pid,
			 de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan",
			 (int)pid, de->d_name);
		print_lines(path, prefix);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack",
			 (int)pid, de->d_name);
		print_lines(path, "lpcfuzz:     ");
	}
	closedir(d);
}

/**
 * reap_descendants() - end every process the run left
 *
 * First a few seconds for the children of workers to end by themselves
 * (their alarm, their parent-death signal); then SIGKILL for whatever is
 * left. SIGKILL ends every wait in lpc: a process still there 30 s later
 * is a finding, with what its threads are waiting in.
 */
void reap_descendants(void)
{
	static pid_t seen[MAX_SEEN];
	u64 grace = now_ns() + 5000000000ULL, end = grace + 30000000000ULL;
	int nseen = 0, status, i;
	char state;
	pid_t pid, ppid;

	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD)
			return;
		if (now_ns() > end)
			break;
		if (now_ns() > grace)
			ev_add(EV_LEFTOVERS, (u64)kill_children(seen, &nseen));
		usleep(20000);
	}
	for (i = 0; i < nseen; i++) {
		if (!proc_stat(seen[i], &state, &ppid) || ppid != getpid())
			continue;
		inconsistent("pid %d (state %c) still alive 30 s after SIGKILL",
			     (int)seen[i], state);
		describe(seen[i]);
	}
}
