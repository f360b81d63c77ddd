// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Printable names for uapi constants, so tools print the same words.
 */
#include "lpc-internal.h"

static const char *const msg_type_names[] = {
	[LPC_MSG_REQUEST]		= "REQUEST",
	[LPC_MSG_REPLY]			= "REPLY",
	[LPC_MSG_DATAGRAM]		= "DATAGRAM",
	[LPC_MSG_CONNECTION_REQUEST]	= "CONNECTION_REQUEST",
	[LPC_MSG_PORT_CLOSED]		= "PORT_CLOSED",
	[LPC_MSG_CLIENT_DIED]		= "CLIENT_DIED",
	[LPC_MSG_LOST_REPLY]		= "LOST_REPLY",
};

const char *lpc_msg_type_name(__u32 type)
{
	/* Never NULL: callers pass the result straight to printf. */
	if (type >= sizeof(msg_type_names) / sizeof(msg_type_names[0]) ||
	    !msg_type_names[type])
		return "UNKNOWN";
	return msg_type_names[type];
}

static const struct {
	__u64 bit;
	const char *name;
} feature_names[] = {
	{ LPC_FEAT_PORTS,	"ports" },
	{ LPC_FEAT_ACL,		"acl" },
	{ LPC_FEAT_SERVER_ID,	"server_id" },
	{ LPC_FEAT_CANCEL,	"cancel" },
	{ LPC_FEAT_DISCONNECT,	"disconnect" },
	{ LPC_FEAT_ACL_GETSET,	"acl_getset" },
	{ LPC_FEAT_CREDS,	"creds" },
	{ LPC_FEAT_FDS,		"fds" },
	{ LPC_FEAT_SENDER,	"sender" },
	{ LPC_FEAT_SECTIONS,	"sections" },
	{ LPC_FEAT_DIRECT,	"direct" },
	{ LPC_FEAT_QUERY,	"query" },
	{ LPC_FEAT_BATCH,	"batch" },
	{ LPC_FEAT_VIEW_KEEP,	"view_keep" },
	{ LPC_FEAT_CONN_SHARE,	"conn_share" },
};

const char *lpc_feature_name(__u64 feature)
{
	size_t i;

	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (feature_names[i].bit == feature)
			return feature_names[i].name;
	return NULL;
}
