/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of lpc, under events/lpc/ in tracefs.
 *
 * Connections are named by their serial (what %LPC_IOC_CONN_LIST reports)
 * and messages by their id (what &lpc_msg_info.id reports), so a trace can
 * be matched with queries and with what the programs saw. Results are 0
 * or the -errno the caller got.
 *
 *   lpc_connect   a connect finished: port name, client pid and uid,
 *                 connection data length, result
 *   lpc_accept    the server accepted: port name, connection, context
 *   lpc_reject    the server refused: port name, connection
 *   lpc_send      a request, datagram or reply was sent, or failed
 *   lpc_receive   a message was received
 *   lpc_reply     a reply to a request was delivered, or failed
 *   lpc_close     a connection ended: the notice its peer got, and
 *                 whether the server side ended it
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lpc

#if !defined(_LPC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LPC_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"
#include "uapi/linux/lpc.h"

#define lpc_show_msg_type(type)						\
	__print_symbolic(type,						\
			 { LPC_MSG_REQUEST, "REQUEST" },		\
			 { LPC_MSG_REPLY, "REPLY" },			\
			 { LPC_MSG_DATAGRAM, "DATAGRAM" },		\
			 { LPC_MSG_CONNECTION_REQUEST, "CONNECTION_REQUEST" }, \
			 { LPC_MSG_PORT_CLOSED, "PORT_CLOSED" },	\
			 { LPC_MSG_CLIENT_DIED, "CLIENT_DIED" },	\
			 { LPC_MSG_LOST_REPLY, "LOST_REPLY" })

TRACE_EVENT(lpc_connect,
	    TP_PROTO(const char *name, pid_t pid, uid_t uid, u32 data_len,
		     int result),
	    TP_ARGS(name, pid, uid, data_len, result),
	    TP_STRUCT__entry(__string(name, name)
			     __field(pid_t, pid)
			     __field(uid_t, uid)
			     __field(u32, data_len)
			     __field(int, result)),
	    TP_fast_assign(lpc_assign_str(name, name);
			   __entry->pid = pid;
			   __entry->uid = uid;
			   __entry->data_len = data_len;
			   __entry->result = result;),
	    TP_printk("name=%s pid=%d uid=%u data_len=%u result=%d",
		      __get_str(name), __entry->pid, __entry->uid,
		      __entry->data_len, __entry->result)
);

TRACE_EVENT(lpc_accept,
	    TP_PROTO(const char *name, u64 conn_serial, u64 context),
	    TP_ARGS(name, conn_serial, context),
	    TP_STRUCT__entry(__string(name, name)
			     __field(u64, conn_serial)
			     __field(u64, context)),
	    TP_fast_assign(lpc_assign_str(name, name);
			   __entry->conn_serial = conn_serial;
			   __entry->context = context;),
	    TP_printk("name=%s conn=%llu context=0x%llx", __get_str(name),
		      __entry->conn_serial, __entry->context)
);

TRACE_EVENT(lpc_reject,
	    TP_PROTO(const char *name, u64 conn_serial),
	    TP_ARGS(name, conn_serial),
	    TP_STRUCT__entry(__string(name, name)
			     __field(u64, conn_serial)),
	    TP_fast_assign(lpc_assign_str(name, name);
			   __entry->conn_serial = conn_serial;),
	    TP_printk("name=%s conn=%llu", __get_str(name),
		      __entry->conn_serial)
);

TRACE_EVENT(lpc_send,
	    TP_PROTO(u64 id, u32 type, u32 len, u64 conn_serial, int result),
	    TP_ARGS(id, type, len, conn_serial, result),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, conn_serial)
			     __field(u32, type)
			     __field(u32, len)
			     __field(int, result)),
	    TP_fast_assign(__entry->id = id;
			   __entry->conn_serial = conn_serial;
			   __entry->type = type;
			   __entry->len = len;
			   __entry->result = result;),
	    TP_printk("id=%llu type=%s len=%u conn=%llu result=%d",
		      __entry->id, lpc_show_msg_type(__entry->type),
		      __entry->len, __entry->conn_serial, __entry->result)
);

TRACE_EVENT(lpc_receive,
	    TP_PROTO(u64 id, u32 type, u32 len, u64 conn_serial),
	    TP_ARGS(id, type, len, conn_serial),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, conn_serial)
			     __field(u32, type)
			     __field(u32, len)),
	    TP_fast_assign(__entry->id = id;
			   __entry->conn_serial = conn_serial;
			   __entry->type = type;
			   __entry->len = len;),
	    TP_printk("id=%llu type=%s len=%u conn=%llu", __entry->id,
		      lpc_show_msg_type(__entry->type), __entry->len,
		      __entry->conn_serial)
);

TRACE_EVENT(lpc_reply,
	    TP_PROTO(u64 request_id, u32 len, int result),
	    TP_ARGS(request_id, len, result),
	    TP_STRUCT__entry(__field(u64, request_id)
			     __field(u32, len)
			     __field(int, result)),
	    TP_fast_assign(__entry->request_id = request_id;
			   __entry->len = len;
			   __entry->result = result;),
	    TP_printk("request=%llu len=%u result=%d", __entry->request_id,
		      __entry->len, __entry->result)
);

TRACE_EVENT(lpc_close,
	    TP_PROTO(u64 conn_serial, u32 notice_type, bool by_server),
	    TP_ARGS(conn_serial, notice_type, by_server),
	    TP_STRUCT__entry(__field(u64, conn_serial)
			     __field(u32, notice_type)
			     __field(bool, by_server)),
	    TP_fast_assign(__entry->conn_serial = conn_serial;
			   __entry->notice_type = notice_type;
			   __entry->by_server = by_server;),
	    TP_printk("conn=%llu notice=%s by=%s", __entry->conn_serial,
		      lpc_show_msg_type(__entry->notice_type),
		      __entry->by_server ? "server" : "client")
);

#endif /* _LPC_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
