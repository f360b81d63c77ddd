// SPDX-License-Identifier: GPL-2.0
/*
 * The lpc tracepoints, instantiated once for the module; the events and
 * their fields are described in trace.h.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
