/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * A stand-in for ioctl(2), linked into the mock-*.c tests ahead of libc,
 * so they can see exactly what each liblpc wrapper hands the kernel and
 * play the kernel's answer back, without /dev/lpc.
 */
#ifndef LPC_TEST_MOCK_H
#define LPC_TEST_MOCK_H

#include <stddef.h>

struct mock_ioctl {
	/* recorded from the last call */
	int calls;
	int fd;
	unsigned long req;
	void *argp;			/* the pointer the library passed */
	unsigned char arg[256]		/* what it pointed at, before fill() */
		__attribute__((aligned(8)));
	/* what the fake kernel does */
	int ret;			/* >= 0 returned, < 0 fails with -ret */
	void (*fill)(void *arg);	/* writes results into the struct */
};

extern struct mock_ioctl mock;

/* Forget everything recorded; the next call returns 0. */
void mock_reset(void);

/* The recorded argument as a given type. */
#define MOCK_ARG(type) ((const type *)(const void *)mock.arg)

#endif /* LPC_TEST_MOCK_H */
