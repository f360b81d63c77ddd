#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Where the instructions of one lpc round trip go, from trace-rtt.sh's log.

usage: breakdown.py BENCH-ICOUNT-LOG

The log holds lpcbench's median round trip untraced and traced (both in
guest instructions: -icount shift=0) and the end of a function graph
trace of the traced run. Every ioctl of the trace becomes a call tree per
task; the client's (a request and the wait for its reply) and the
server's (a reply and the receive of the next request) that occur most
often are the steady state, and each node's cost is the median over them.

The tracer's own cost is taken out of every number:

  c_inner  the part of a call's hooks inside its own duration: the
           shortest leaf call of the trace (a function of a few
           instructions, counted as overhead);
  c_outer  the part outside it, which its caller's duration includes:
           the smallest (duration - c_inner - children's durations) per
           child of a caller (its own few instructions counted as
           overhead);
  extra    what tracing adds beyond the calls' hooks: (traced - untraced
           round trip) - calls per round trip * (c_inner + c_outer); the
           function graph tracer's sched_switch probe, so it is taken out
           of the two switches.

A call's instructions are then its duration - c_inner - (c_inner +
c_outer) for each traced call below it. A schedule() call spans the other
side's turn; a switch is (sched_client + sched_server - traced round
trip) / 2 - c_inner - extra / 2. What no traced function covers (system
call entry and exit, user space, lpcbench's loop, on both sides) is the
untraced round trip minus the rest.
"""
import re
import statistics
import sys

LINE = re.compile(r'^\s*[\d.]+ \|\s+\d+\)\s+(\S+)\s+\|\s+(?:([\d.]+) us)?\s*\|\s*(.*?)\s*$')


size = '?'


class Node:
    def __init__(self, name):
        self.name = name
        self.dur = None
        self.kids = []

    def calls(self):
        return 1 + sum(k.calls() for k in self.kids)

    def sig(self):
        return self.name + '(' + ','.join(k.sig() for k in self.kids) + ')'


def ns(us):
    return round(float(us) * 1000)


def parse(path):
    """Untraced and traced medians, and the finished ioctl trees per task."""
    global size
    medians, ioctls, leaves = [], [], []
    stacks = {}
    inside = False
    for raw in open(path, errors='replace'):
        raw = raw.rstrip('\r\n')
        if raw.startswith('--- TRACE BEGIN'):
            inside = True
            continue
        if raw.startswith('--- TRACE END'):
            break
        if not inside:
            m = re.match(r'^(?:# traced: )?(\d+[KM]?\*?)\s+(\d+)\s*$', raw)
            if m:
                size = m.group(1)
                medians.append(int(m.group(2)))
            continue
        m = LINE.match(raw)
        if not m:
            continue
        task, dur, what = m.groups()
        what = what.replace(' [lpc]', '')
        st = stacks.setdefault(task, [])
        if what.endswith('() {'):
            st.append(Node(what[:-4]))
        elif what.endswith('();'):
            leaf = Node(what[:-3])
            leaf.dur = ns(dur)
            leaves.append(leaf.dur)
            if st:
                st[-1].kids.append(leaf)
        elif what.startswith('} /* '):
            name = what[5:-3]
            if not st or st[-1].name != name:
                st.clear()      # its entry came before the trace began
                continue
            node = st.pop()
            node.dur = ns(dur)
            if st:
                st[-1].kids.append(node)
            elif name == '__x64_sys_ioctl':
                ioctls.append((task, node))
    return medians, ioctls, leaves


def walk(node):
    yield node
    for k in node.kids:
        yield from walk(k)


def find(node, name):
    if node.name == name:
        return node
    for k in node.kids:
        f = find(k, name)
        if f:
            return f
    return None


def steady(ioctls, marker):
    """The ioctl trees containing marker that share the commonest shape."""
    trees = [n for _, n in ioctls if find(n, marker)]
    if not trees:
        sys.exit('breakdown.py: no complete ioctl with %s in the trace' % marker)
    sigs = [t.sig() for t in trees]
    best = max(set(sigs), key=sigs.count)
    return [t for t, s in zip(trees, sigs) if s == best]


def costs(trees, c_inner, c_full):
    """Per node path: median instructions, the tracer's cost taken out."""
    out = {}

    def walk(node, path, acc):
        key = path + (node.name,)
        true = node.dur - c_inner - (node.calls() - 1) * c_full
        acc.setdefault(key, []).append(true)
        for i, k in enumerate(node.kids):
            walk(k, key + (i,), acc)
    acc = {}
    for t in trees:
        walk(t, (), acc)
    for k, v in acc.items():
        out[k] = round(statistics.median(v))
    return out


def rows(node, path, cost, depth, maxdepth, out):
    """(depth, label, instructions) in call order; a call that sleeps
    counts only its awake part (marked *), schedule() none."""
    key = path + (node.name,)
    v = cost[key]
    label = node.name
    asleep = find(node, 'schedule')
    if node.name == 'schedule':
        label, v = 'schedule  (asleep: the other side runs)', None
    elif asleep:
        v -= statistics.median([cost[k] for k in cost
                                if k[:len(key)] == key and
                                k[-1] == 'schedule'])
        label += ' *'
    out.append((depth, label, v))
    if depth < maxdepth and node.name != 'schedule':
        for i, k in enumerate(node.kids):
            rows(k, key + (i,), cost, depth + 1, maxdepth, out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    medians, ioctls, leaves = parse(sys.argv[1])
    if len(medians) < 2 or not leaves:
        sys.exit('breakdown.py: no untraced and traced medians or no trace')
    untraced, traced = medians[0], medians[-1]
    client = steady(ioctls, 'lpc_msg_wait_reply')
    server = steady(ioctls, 'lpc_reply')
    calls = client[0].calls() + server[0].calls()
    c_inner = min(leaves)
    c_outer = min((n.dur - c_inner - sum(k.dur for k in n.kids)) / len(n.kids)
                  for t in client + server for n in walk(t)
                  if n.kids and n.name != 'schedule')
    c_full = c_inner + c_outer
    extra = traced - untraced - calls * c_full
    cc = costs(client, c_inner, c_full)
    sc = costs(server, c_inner, c_full)

    def sched(trees):
        return statistics.median(find(t, 'schedule').dur for t in trees)
    switch = (sched(client) + sched(server) - traced) / 2 - c_inner - extra / 2

    def awake(trees, cost):
        top = cost[('__x64_sys_ioctl',)]
        for key, v in cost.items():
            if key[-1] == 'schedule':
                top -= v
        return top
    a_client, a_server = awake(client, cc), awake(server, sc)
    rest = untraced - a_client - a_server - 2 * switch

    print('One round trip of %s bytes: %d instructions untraced, %d traced '
          '(%d traced calls)' % (size, untraced, traced, calls))
    print('Tracer cost taken out: %d per call inside its duration, %.0f '
          'outside; %.0f per round trip besides (the switches); median of '
          '%d client and %d server ioctls\n'
          % (c_inner, c_outer, extra, len(client), len(server)))
    for side, trees, cost in (('client: request, wait for the reply',
                               client, cc),
                              ('server: reply, receive the next request',
                               server, sc)):
        print(side)
        out = []
        rows(trees[0], (), cost, 0, 6, out)
        for depth, label, v in out:
            print(('  %-58s %7s' % ('  ' * depth + label,
                                    '' if v is None else
                                    format(round(v), ','))).rstrip())
        print()
    print('* without the time asleep in schedule()\n')
    print('%-60s %7s' % ('client ioctl, awake', format(round(a_client), ',')))
    print('%-60s %7s' % ('server ioctl, awake', format(round(a_server), ',')))
    print('%-60s %7s' % ('two switches', format(round(2 * switch), ',')))
    print('%-60s %7s' % ('the rest: system call entry and exit, user space',
                         format(round(rest), ',')))
    print('%-60s %7s' % ('round trip', format(untraced, ',')))


main()
