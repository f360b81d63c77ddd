// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits. (Stubs: being implemented.)
 */
#include "internal.h"

int lpc_user_charge_port(void)
{
	return 0;
}

void lpc_user_uncharge_port(kuid_t uid)
{
}

int lpc_user_charge_conn(void)
{
	return 0;
}

void lpc_user_uncharge_conn(kuid_t uid)
{
}
