/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sections (section.c) and views (view.c) share.
 */
#ifndef _LPC_SECTION_H
#define _LPC_SECTION_H

#include "internal.h"

/* conn->nr_sections once the connection ended: no section joins it. */
#define LPC_SECTIONS_ENDED	U32_MAX

static inline bool lpc_conn_ended(struct lpc_conn *conn)
{
	return READ_ONCE(conn->nr_sections) == LPC_SECTIONS_ENDED;
}

/* A section: see section.c ("Lifetime") for who holds its references. */
struct lpc_section;

void lpc_section_get(struct lpc_section *sec);
void lpc_section_put(struct lpc_section *sec);
struct lpc_section *lpc_section_of(struct file *file);
struct lpc_section *lpc_section_pin(struct lpc_conn *conn,
				    struct inode *inode, loff_t *size);
struct file *lpc_section_file(struct lpc_section *sec);
struct file *lpc_section_open_view(struct file *file, bool readonly);
int lpc_section_init(void);
void lpc_section_exit(void);
int lpc_section_adopt(struct file *file);
void lpc_views_conn_end(struct lpc_port *home, struct lpc_conn *conn);

#endif /* _LPC_SECTION_H */
