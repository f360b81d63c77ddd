// SPDX-License-Identifier: GPL-2.0
/*
 * Writing anything to /sys/module/lpc/parameters/prof_dump prints the
 * last events, each with the instructions since the one before (the
 * probe's own cost, printed first, included).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "prof.h"

u64 lpc_prof_t[LPC_PROF_N];
u8 lpc_prof_p[LPC_PROF_N];
unsigned int lpc_prof_i;

#ifndef LPC_PROF_EVENTS
#define LPC_PROF_EVENTS	200
#endif
static unsigned int prof_events = LPC_PROF_EVENTS;
module_param(prof_events, uint, 0644);

static const char *const prof_names[256] = {
	[0] = "ioctl: XFER entered",
	[1] = "xfer: begin",
	[2] = "xfer: struct copied in",
	[3] = "xfer: send half done",
	[4] = "xfer: receive half done",
	[5] = "xfer: outputs copied back",
	[6] = "ioctl: XFER returns",
	[10] = "send: buffer filled, id taken",
	[11] = "send: stamp, attributes",
	[12] = "send: pending tree",
	[13] = "send: queued, receiver woken",
	[14] = "enqueue: locked, checked, counted, queued",
	[15] = "enqueue: receiver woken",
	[16] = "send: message allocated",
	[17] = "send: payload copied in",
	[20] = "reply: request out of service",
	[21] = "reply: attributes, views",
	[22] = "reply: data copied, stamp",
	[23] = "reply: requester woken",
	[24] = "deliver: before the keyed wake-up",
	[25] = "deliver: requester woken",
	[26] = "reply: payload copied in",
	[30] = "receive: dequeued",
	[31] = "receive: header, data copied out",
	[32] = "receive: header filled",
	[33] = "receive: attributes",
	[40] = "wait_reply: woken, off the queue",
	[41] = "wait_reply: on the wait queue",
	[42] = "take_reply: header filled",
	[43] = "take_reply: payload copied out",
	[44] = "take_reply: attributes",
	[50] = "sleep: schedule()",
	[51] = "sleep: back from schedule() (another task)",
	[52] = "wait: before prepare_to_wait",
	[53] = "wait: queued, unlocked",
	[54] = "wait: woken",
	[55] = "wait: off the queue, relocked",
	[60] = "attr deliver: begin",
	[62] = "view: before vm_mmap",
	[63] = "view: vm_mmap done",
	[64] = "view: before vm_munmap",
	[65] = "view: vm_munmap done",
	[66] = "attr attach: begin",
	[67] = "attr attach: copied in",
	[68] = "attr deliver: filled",
	[69] = "attr deliver: copied out",
	[70] = "send chunk: begin",
	[71] = "send chunk: entries read",
	[72] = "send chunk: buffers off the free stack",
	[73] = "send chunk: payloads copied in",
	[74] = "send chunk: filled, stamped",
	[75] = "send chunk: queued",
	[76] = "send chunk: ids written back",
	[80] = "recv chunk: begin",
	[81] = "recv chunk: taken off the queue",
	[82] = "recv chunk: one delivered",
	[83] = "recv chunk: put, recycled",
};

static int prof_dump(const char *val, const struct kernel_param *kp)
{
	unsigned int n = lpc_prof_i, k, i, prev;
	u64 t0, t1;

	t0 = ktime_get_ns();
	t1 = ktime_get_ns();
	pr_info("lpcprof: probe cost %llu\n", t1 - t0);
	k = min(prof_events, min(n, LPC_PROF_N - 1U));
	for (; k > 0; k--) {
		i = (n - k) & (LPC_PROF_N - 1);
		prev = (n - k - 1) & (LPC_PROF_N - 1);
		pr_info("lpcprof: %3u %8llu  %s\n", lpc_prof_p[i],
			lpc_prof_t[i] - lpc_prof_t[prev],
			prof_names[lpc_prof_p[i]] ?: "");
	}
	return 0;
}

static const struct kernel_param_ops prof_ops = { .set = prof_dump };
module_param_cb(prof_dump, &prof_ops, NULL, 0200);
