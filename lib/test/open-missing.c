// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * A missing device is -ENOENT, and errno is left exactly as it was: the
 * library reports errors only through return values.
 */
#include <errno.h>
#include <unistd.h>
#include "liblpc.h"
#include "helpers.h"

int main(void)
{
	int ret;

	errno = EXDEV;
	ret = lpc_open_path("/nonexistent-lpc-test-dir/lpc", 0);
	T_EQ(ret, -ENOENT);
	T_EQ(errno, EXDEV);

	/* Only meaningful where the module is not loaded (the host). */
	if (access(LPC_DEVICE_PATH, F_OK) != 0) {
		errno = EXDEV;
		T_EQ(lpc_open(0), -ENOENT);
		T_EQ(errno, EXDEV);
	}
	return t_result();
}
