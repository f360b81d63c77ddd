#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Insert lpc_prof() probes into a scratch copy of the lpc tree.

usage: apply.py TREE

Each probe goes right after (or before) a line of the module's code,
matched by text; a line that no longer matches is reported and skipped,
so the profile still runs, with that probe missing. Never run on the
real tree: profile.sh copies it first.
"""
import os
import shutil
import sys

root = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
missing = 0


def ed(path, pairs, inc='#include "internal.h"'):
    global missing
    p = os.path.join(root, path)
    s = open(p).read()
    if inc:
        s = s.replace(inc, inc + '\n#include "prof.h"', 1)
    for a, b in pairs:
        if a not in s:
            print("apply.py: %s: no longer matches: %s" %
                  (path, a.strip().splitlines()[0]))
            missing += 1
            continue
        s = s.replace(a, b, 1)
    open(p, 'w').write(s)

ed('module/msg.c',[
('''		schedule();
		return 0;''','''		lpc_prof(50);
		schedule();
		lpc_prof(51);
		return 0;'''),
('''	if (msg->kflags & LPC_MSGK_SYNC)
		wake_up_interruptible_sync_poll''','''	lpc_prof(14);
	if (msg->kflags & LPC_MSGK_SYNC)
		wake_up_interruptible_sync_poll'''),
('''	spin_unlock(&inbox->lock);
	return 0;
}''','''	lpc_prof(15);
	spin_unlock(&inbox->lock);
	return 0;
}'''),
('''	smp_store_release(&msg->done, 1);
	wake_up_process(task);''','''	smp_store_release(&msg->done, 1);
	lpc_prof(24);
	wake_up_process(task);
	lpc_prof(25);'''),
('''		prepare_to_wait_exclusive(wq, &w, TASK_INTERRUPTIBLE);
		spin_unlock(&port->lock);''','''		lpc_prof(52);
		prepare_to_wait_exclusive(wq, &w, TASK_INTERRUPTIBLE);
		spin_unlock(&port->lock);
		lpc_prof(53);'''),
('''		finish_wait(wq, &w);
		spin_lock(&port->lock);''','''		lpc_prof(54);
		finish_wait(wq, &w);
		spin_lock(&port->lock);
		lpc_prof(55);'''),
('''		set_current_state(TASK_INTERRUPTIBLE);
		/*
		 * Pairs with lpc_msg_answer()''','''		set_current_state(TASK_INTERRUPTIBLE);
		lpc_prof(41);
		/*
		 * Pairs with lpc_msg_answer()'''),
('''	if (!sync)
		msg->kflags |= LPC_MSGK_QUIET;
	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		lpc_msg_put(msg);
		return -EFAULT;
	}''','''	if (!sync)
		msg->kflags |= LPC_MSGK_QUIET;
	lpc_prof(16);
	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		lpc_msg_put(msg);
		return -EFAULT;
	}
	lpc_prof(17);'''),
('''	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		ret = -EFAULT;
		goto err_return;
	}''','''	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		ret = -EFAULT;
		goto err_return;
	}
	lpc_prof(26);'''),
('''		lpc_fill_info(&x->info, msg, msg->origin);
		if (lpc_data_to_user(x->recv_buf, msg))
			ret = -EFAULT;
	}
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	lpc_msg_put(msg);''','''		lpc_fill_info(&x->info, msg, msg->origin);
		lpc_prof(42);
		if (lpc_data_to_user(x->recv_buf, msg))
			ret = -EFAULT;
		lpc_prof(43);
	}
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	lpc_prof(44);
	lpc_msg_put(msg);'''),
('''	lpc_fill_info(&x->info, msg, port);
	trace_lpc_receive(msg->id, msg->type, msg->len,
			  msg->conn ? msg->conn->serial : 0);''','''	lpc_fill_info(&x->info, msg, port);
	trace_lpc_receive(msg->id, msg->type, msg->len,
			  msg->conn ? msg->conn->serial : 0);
	lpc_prof(32);'''),
('''	ret = lpc_xfer_copy_in(&x, uarg, usize);
	if (ret)
		return ret;
	x.flags &= ~LPC_XFER_SENT;''','''	lpc_prof(1);
	ret = lpc_xfer_copy_in(&x, uarg, usize);
	if (ret)
		return ret;
	lpc_prof(2);
	x.flags &= ~LPC_XFER_SENT;'''),
('''		x.flags |= LPC_XFER_SENT;
	}
	if (sync) {''','''		x.flags |= LPC_XFER_SENT;
	}
	lpc_prof(3);
	if (sync) {'''),
('''	if (lpc_xfer_copy_out(uarg, &x))
		return -EFAULT;
	return ret;''','''	lpc_prof(4);
	if (lpc_xfer_copy_out(uarg, &x))
		return -EFAULT;
	lpc_prof(5);
	return ret;'''),
('''	lpc_msg_stamp(msg, inbox);
	ret = lpc_send_extras(port, msg, x);''','''	lpc_prof(10);
	lpc_msg_stamp(msg, inbox);
	ret = lpc_send_extras(port, msg, x);
	lpc_prof(11);'''),
('''	ret = lpc_msg_enqueue(inbox, msg, deadline);''','''	lpc_prof(12);
	ret = lpc_msg_enqueue(inbox, msg, deadline);
	lpc_prof(13);'''),
('''	msg = lpc_msg_take_service(inbox, x->send_id, only, LPC_MSG_REQUEST);''','''	msg = lpc_msg_take_service(inbox, x->send_id, only, LPC_MSG_REQUEST);
	lpc_prof(20);'''),
('''	lpc_view_unmap_request(inbox, msg->id);''','''	lpc_view_unmap_request(inbox, msg->id);
	lpc_prof(21);'''),
('''	lpc_msg_stamp(msg, msg->origin);
	ret = lpc_msg_complete(msg, 0);''','''	lpc_msg_stamp(msg, msg->origin);
	lpc_prof(22);
	ret = lpc_msg_complete(msg, 0);
	lpc_prof(23);'''),
('''	spin_unlock(&port->lock);

	lpc_fill_info(&x->info, msg, port);''','''	spin_unlock(&port->lock);
	lpc_prof(30);

	lpc_fill_info(&x->info, msg, port);'''),
('''	if (lpc_data_to_user(x->recv_buf, msg))
		ret = -EFAULT;
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	if (ret)
		lpc_requeue(port, msg);''','''	if (lpc_data_to_user(x->recv_buf, msg))
		ret = -EFAULT;
	lpc_prof(31);
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	if (ret)
		lpc_requeue(port, msg);
	lpc_prof(33);'''),
('''	__set_current_state(TASK_RUNNING);

	if (ret && lpc_msg_unpend(msg)) {''','''	__set_current_state(TASK_RUNNING);
	lpc_prof(40);

	if (ret && lpc_msg_unpend(msg)) {'''),
], inc='#include "trace.h"')
ed('module/port.c',[('''	if (lpc_cmd_is(cmd, LPC_IOC_XFER))
		return lpc_xfer(port, uarg, usize);''','''	if (lpc_cmd_is(cmd, LPC_IOC_XFER)) {
		long r;

		lpc_prof(0);
		r = lpc_xfer(port, uarg, usize);
		lpc_prof(6);
		return r;
	}''')])
ed('module/section.c',[('''	addr = vm_mmap(file, 0, ext->view_length, prot, MAP_SHARED,
		       ext->view_offset);''','''	lpc_prof(62);
	addr = vm_mmap(file, 0, ext->view_length, prot, MAP_SHARED,
		       ext->view_offset);
	lpc_prof(63);'''),
('''	if (ours)
		vm_munmap(v->addr, v->len);''','''	lpc_prof(64);
	if (ours)
		vm_munmap(v->addr, v->len);
	lpc_prof(65);''')])
ed('module/attr.c',[('''	a = lpc_attr_copy_in(uptr);''','''	lpc_prof(66);
	a = lpc_attr_copy_in(uptr);
	lpc_prof(67);'''),
('''	ret = lpc_attr_usize(uattr, &usize);
	if (ret)
		return ret;
	if (get_user(want''','''	lpc_prof(60);
	ret = lpc_attr_usize(uattr, &usize);
	if (ret)
		return ret;
	if (get_user(want'''),
('''	if (lpc_attr_copy_out(uattr, a)) {''','''	lpc_prof(68);
	if (lpc_attr_copy_out(uattr, a)) {'''),
('''out:
	kfree(a);
	return ret;
}''','''out:
	kfree(a);
	lpc_prof(69);
	return ret;
}'''),
])

ed('module/batch.c', [
('''	if (port->kind != LPC_PORT_CLIENT)
		return 0;
	inbox = port->conn->listener;''', '''	if (port->kind != LPC_PORT_CLIENT)
		return 0;
	lpc_prof(70);
	inbox = port->conn->listener;'''),
('''	n = i;
	k = lpc_msg_take_small(port, msg, n);''', '''	n = i;
	lpc_prof(71);
	k = lpc_msg_take_small(port, msg, n);
	lpc_prof(72);'''),
('''	n = i;
	if (!n)
		return 0;

	lpc_fast_send_fill(port, inbox, msg, n);''', '''	n = i;
	if (!n)
		return 0;
	lpc_prof(73);
	lpc_fast_send_fill(port, inbox, msg, n);
	lpc_prof(74);'''),
('''	if (sent < n)
		*stop = true;''', '''	lpc_prof(75);
	if (sent < n)
		*stop = true;'''),
('''	if (!lpc_fast_send_ids(ux, id, sent))
		*stop = true;
	return sent;''', '''	if (!lpc_fast_send_ids(ux, id, sent))
		*stop = true;
	lpc_prof(76);
	return sent;'''),
('''	k = lpc_fast_recv_take(port, msg, n, freed, &empty);
	for (i = 0; i < k; i++) {
		ret = lpc_fast_recv_one(port, &ux[i], msg[i]);''', '''	lpc_prof(80);
	k = lpc_fast_recv_take(port, msg, n, freed, &empty);
	lpc_prof(81);
	for (i = 0; i < k; i++) {
		ret = lpc_fast_recv_one(port, &ux[i], msg[i]);
		lpc_prof(82);'''),
('''	lpc_msg_put_many(msg, i);
	return i;''', '''	lpc_msg_put_many(msg, i);
	lpc_prof(83);
	return i;'''),
], inc='#include "msg.h"')

kb = os.path.join(root, 'module/Kbuild')
s = open(kb).read()
s = s.replace('query.o trace.o', 'query.o trace.o prof.o')
for var in ('PROF_STOP', 'PROF_EVENTS'):
    if os.environ.get(var):
        s += 'ccflags-y += -DLPC_%s=%d\n' % (var, int(os.environ[var]))
open(kb, 'w').write(s)
for f in ('prof.c', 'prof.h'):
    shutil.copy(os.path.join(here, f), os.path.join(root, 'module', f))
ed('selftests/qemu/init.sh', [(
    '''		/bin/lpcbench ${LPC_BENCH_ARGS:--a}
		rc=$?
''', '''		/bin/lpcbench ${LPC_BENCH_ARGS:--a}
		rc=$?
		echo 1 > /sys/module/lpc/parameters/prof_dump
		dmesg | grep lpcprof:
''')], inc=None)
sys.exit(1 if missing else 0)
