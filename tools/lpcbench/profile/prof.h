/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe points for an instruction-count profile of lpc.ko under QEMU's
 * -icount shift=0, where ktime_get_ns() advances one per guest
 * instruction. Only ever compiled into a scratch copy of the module by
 * profile.sh; never part of lpc.ko.
 */
#ifndef LPC_PROF_H
#define LPC_PROF_H
#include <linux/timekeeping.h>

#define LPC_PROF_N	4096	/* events kept, a power of two */

extern u64 lpc_prof_t[LPC_PROF_N];
extern u8 lpc_prof_p[LPC_PROF_N];
extern unsigned int lpc_prof_i;

/*
 * PROF_STOP=N in profile.sh's environment stops recording after N
 * events, so that the dump shows the middle of a run, not its end.
 */
#ifndef LPC_PROF_STOP
#define LPC_PROF_STOP	0
#endif

/* One CPU (icount boots -smp 1), so no atomics are needed. */
static inline void lpc_prof(int pt)
{
	unsigned int i;

	if (LPC_PROF_STOP && lpc_prof_i >= LPC_PROF_STOP)
		return;
	i = lpc_prof_i++ & (LPC_PROF_N - 1);

	lpc_prof_t[i] = ktime_get_ns();
	lpc_prof_p[i] = pt;
}
#endif
