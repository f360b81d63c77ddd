// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Every message type and feature bit in the header has a name; unknown
 * types still give a printable string.
 */
#include <string.h>
#include "liblpc.h"
#include "helpers.h"

#define T_STREQ(got, want) T_CHECK((got) && strcmp((got), (want)) == 0)

int main(void)
{
	int bit, named = 0;

	T_STREQ(lpc_msg_type_name(LPC_MSG_REQUEST), "REQUEST");
	T_STREQ(lpc_msg_type_name(LPC_MSG_REPLY), "REPLY");
	T_STREQ(lpc_msg_type_name(LPC_MSG_DATAGRAM), "DATAGRAM");
	T_STREQ(lpc_msg_type_name(LPC_MSG_CONNECTION_REQUEST),
		"CONNECTION_REQUEST");
	T_STREQ(lpc_msg_type_name(LPC_MSG_PORT_CLOSED), "PORT_CLOSED");
	T_STREQ(lpc_msg_type_name(LPC_MSG_CLIENT_DIED), "CLIENT_DIED");
	T_STREQ(lpc_msg_type_name(LPC_MSG_LOST_REPLY), "LOST_REPLY");
	T_STREQ(lpc_msg_type_name(0), "UNKNOWN");
	T_STREQ(lpc_msg_type_name(8), "UNKNOWN");
	T_STREQ(lpc_msg_type_name(0xffffffff), "UNKNOWN");

	T_STREQ(lpc_feature_name(LPC_FEAT_PORTS), "ports");
	T_STREQ(lpc_feature_name(LPC_FEAT_ACL), "acl");
	T_STREQ(lpc_feature_name(LPC_FEAT_SERVER_ID), "server_id");
	T_STREQ(lpc_feature_name(LPC_FEAT_CANCEL), "cancel");
	T_STREQ(lpc_feature_name(LPC_FEAT_DISCONNECT), "disconnect");
	T_STREQ(lpc_feature_name(LPC_FEAT_ACL_GETSET), "acl_getset");
	T_STREQ(lpc_feature_name(LPC_FEAT_QUERY), "query");
	T_CHECK(lpc_feature_name(0) == NULL);
	T_CHECK(lpc_feature_name(LPC_FEAT_PORTS | LPC_FEAT_ACL) == NULL);

	/* Names are distinct; header-names.sh checks every LPC_FEAT_*. */
	for (bit = 0; bit < 64; bit++)
		named += lpc_feature_name(1ULL << bit) != NULL;
	T_EQ(named, 15);
	return t_result();
}
