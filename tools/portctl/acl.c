// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * portctl acl { show NAME | set NAME RULE... | help }: read and replace
 * the ACL of a connection port (LPC_IOC_ACL_GET, LPC_IOC_ACL_SET).
 *
 * A rule is the words a person writes, and what 'show' prints:
 *
 *	ACTION WHO [ID] RIGHTS
 *	ACTION := allow | deny
 *	WHO    := owner | everyone | uid ID | group ID | cap ID
 *	          (user = uid, gid = group)
 *	ID     := a number, a user or group name, or a capability name
 *	          (libcap's, with or without "cap_")
 *	RIGHTS := connect,query,admin in any combination, or all
 *
 * User and group names go through getpwnam()/getgrnam(). A static
 * portctl still calls them: glibc then needs its NSS modules at run time
 * (and the linker warns); numeric ids always work.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include "json_print.h"
#include "main.h"
#include "source.h"

/*
 * Capabilities are named by libcap, so a capability newer than this
 * portctl is named as soon as the system's libcap knows it. libcap
 * names capabilities 0..63 at most (bits of a 64-bit set).
 */
#define CAP_ID_MAX	63

static const struct {
	const char *name;
	unsigned int bit;
} right_names[] = {
	{ "connect",	LPC_RIGHT_CONNECT },
	{ "query",	LPC_RIGHT_QUERY },
	{ "admin",	LPC_RIGHT_ADMIN },
};
#define NR_RIGHTS (sizeof(right_names) / sizeof(right_names[0]))

static const char *who_name(unsigned int who)
{
	switch (who) {
	case LPC_ACE_OWNER:
		return "owner";
	case LPC_ACE_UID:
		return "uid";
	case LPC_ACE_GID:
		return "group";
	case LPC_ACE_EVERYONE:
		return "everyone";
	case LPC_ACE_CAP:
		return "cap";
	default:
		return NULL;
	}
}

static bool who_has_id(unsigned int who)
{
	return who == LPC_ACE_UID || who == LPC_ACE_GID || who == LPC_ACE_CAP;
}

#define CAP_NAME_LEN	64

/*
 * libcap's name of capability @id into @name: false when libcap has
 * none (it then makes up a number, which 'show' prints as the id).
 */
static bool cap_name(unsigned int id, char name[CAP_NAME_LEN])
{
	char *s;
	bool ok;

	if (id > CAP_ID_MAX)
		return false;
	s = cap_to_name((cap_value_t)id);
	if (!s)
		return false;
	ok = !strncmp(s, "cap_", 4) && strlen(s) < CAP_NAME_LEN;
	if (ok)
		strcpy(name, s);
	cap_free(s);
	return ok;
}

/* A capability by libcap's name, with or without its "cap_" prefix. */
static int cap_id(const char *s, unsigned int *id)
{
	char full[CAP_NAME_LEN];
	cap_value_t v;

	if (strncasecmp(s, "cap_", 4)) {
		if (snprintf(full, sizeof(full), "cap_%s", s) >=
		    (int)sizeof(full))
			return -EINVAL;
		s = full;
	}
	if (cap_from_name(s, &v) || v < 0 || v > CAP_ID_MAX)
		return -EINVAL;
	*id = (unsigned int)v;
	return 0;
}

static void print_ace(const struct lpc_ace *a)
{
	const char *who = who_name(a->who);
	char buf[16], name[CAP_NAME_LEN];
	unsigned int i, n = 0;

	open_json_object(NULL);
	if (a->action == LPC_ACE_ALLOW || a->action == LPC_ACE_DENY) {
		print_string(PRINT_ANY, "action", "%s",
			     a->action == LPC_ACE_ALLOW ? "allow" : "deny");
	} else {
		snprintf(buf, sizeof(buf), "action%u", a->action);
		print_string(PRINT_FP, NULL, "%s", buf);
		print_uint(PRINT_JSON, "action", NULL, a->action);
	}
	if (who) {
		print_string(PRINT_ANY, "who", " %s", who);
	} else {
		print_text(" who%u", a->who);
		print_uint(PRINT_JSON, "who", NULL, a->who);
	}
	if (who_has_id(a->who) || !who) {
		if (a->who == LPC_ACE_CAP && cap_name(a->id, name)) {
			print_uint(PRINT_JSON, "id", NULL, a->id);
			print_string(PRINT_ANY, "name", " %s", name);
		} else {
			print_uint(PRINT_ANY, "id", " %llu", a->id);
		}
	}
	print_text(" ");
	open_json_array("rights");
	for (i = 0; i < NR_RIGHTS; i++) {
		if (!(a->rights & right_names[i].bit))
			continue;
		print_string(PRINT_ANY, NULL, n++ ? ",%s" : "%s",
			     right_names[i].name);
	}
	/* bits this portctl does not know */
	for (i = 0; i < 32; i++) {
		if (!(a->rights & ~LPC_RIGHT_ALL & (1U << i)))
			continue;
		snprintf(buf, sizeof(buf), "bit%u", i);
		print_string(PRINT_ANY, NULL, n++ ? ",%s" : "%s", buf);
	}
	if (!n)
		print_text("none");
	close_json_array();
	print_nl();
	close_json_object();
}

static void print_acl(const struct lpc_ace *aces, unsigned int n)
{
	unsigned int i;

	open_json_array(NULL);
	for (i = 0; i < n; i++)
		print_ace(&aces[i]);
	close_json_array();
}

/* ---- parsing rules ---------------------------------------------- */

static int parse_num(const char *s, unsigned int *val)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > 0xffffffffUL)
		return -EINVAL;
	*val = (unsigned int)v;
	return 0;
}

static int parse_id(unsigned int who, const char *s, unsigned int *id)
{
	struct passwd *pw;
	struct group *gr;

	if (!parse_num(s, id))
		return 0;
	switch (who) {
	case LPC_ACE_UID:
		pw = getpwnam(s);
		if (!pw) {
			p_err("no user '%s'", s);
			return -EINVAL;
		}
		*id = pw->pw_uid;
		return 0;
	case LPC_ACE_GID:
		gr = getgrnam(s);
		if (!gr) {
			p_err("no group '%s'", s);
			return -EINVAL;
		}
		*id = gr->gr_gid;
		return 0;
	default:
		if (!cap_id(s, id))
			return 0;
		p_err("unknown capability '%s'", s);
		return -EINVAL;
	}
}

static int parse_rights(const char *s, unsigned int *rights)
{
	const char *p = s;
	size_t len, i;

	*rights = 0;
	while (*p) {
		len = strcspn(p, ",");
		if (len == 3 && !strncmp(p, "all", 3)) {
			*rights |= LPC_RIGHT_ALL;
		} else {
			for (i = 0; i < NR_RIGHTS; i++)
				if (strlen(right_names[i].name) == len &&
				    !strncmp(p, right_names[i].name, len))
					break;
			if (i == NR_RIGHTS) {
				p_err("unknown right '%.*s' in '%s' (connect, query, admin or all)",
				      (int)len, p, s);
				return -EINVAL;
			}
			*rights |= right_names[i].bit;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*rights) {
		p_err("no rights in '%s'", s);
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse rules from @argv into @aces (room for LPC_ACL_MAX): the number of
 * entries, or -EINVAL after printing what is wrong.
 */
static int parse_rules(int argc, char **argv, struct lpc_ace *aces)
{
	int i = 0, n = 0;
	struct lpc_ace *a;
	const char *w;

	while (i < argc) {
		if (n == LPC_ACL_MAX) {
			p_err("more than %d rules", LPC_ACL_MAX);
			return -EINVAL;
		}
		a = &aces[n];
		memset(a, 0, sizeof(*a));
		w = argv[i++];
		if (!strcmp(w, "allow")) {
			a->action = LPC_ACE_ALLOW;
		} else if (!strcmp(w, "deny")) {
			a->action = LPC_ACE_DENY;
		} else {
			p_err("rule %d: expected allow or deny, not '%s'",
			      n + 1, w);
			return -EINVAL;
		}
		if (i >= argc) {
			p_err("rule %d: allow or deny whom? (owner, everyone, uid ID, group ID, cap ID)",
			      n + 1);
			return -EINVAL;
		}
		w = argv[i++];
		if (!strcmp(w, "owner"))
			a->who = LPC_ACE_OWNER;
		else if (!strcmp(w, "everyone"))
			a->who = LPC_ACE_EVERYONE;
		else if (!strcmp(w, "uid") || !strcmp(w, "user"))
			a->who = LPC_ACE_UID;
		else if (!strcmp(w, "group") || !strcmp(w, "gid"))
			a->who = LPC_ACE_GID;
		else if (!strcmp(w, "cap"))
			a->who = LPC_ACE_CAP;
		else {
			p_err("rule %d: expected owner, everyone, uid, group or cap, not '%s'",
			      n + 1, w);
			return -EINVAL;
		}
		if (who_has_id(a->who)) {
			if (i >= argc) {
				p_err("rule %d: %s needs an id", n + 1, w);
				return -EINVAL;
			}
			if (parse_id(a->who, argv[i++], &a->id))
				return -EINVAL;
		}
		if (i >= argc) {
			p_err("rule %d: which rights? (connect, query, admin or all)",
			      n + 1);
			return -EINVAL;
		}
		if (parse_rights(argv[i++], &a->rights))
			return -EINVAL;
		n++;
	}
	return n;
}

/* ---- commands ---------------------------------------------------- */

static int acl_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (is_json()) {
		print_null(PRINT_JSON, NULL, NULL);
		return EXIT_OK;
	}
	printf("Usage: portctl acl { show NAME | set NAME RULE... | help }\n"
	       "\n"
	       "show   the ACL of port NAME, one rule per line\n"
	       "set    replace the ACL of port NAME (--dry-run: print only)\n"
	       "\n"
	       "RULE   := { allow | deny } WHO RIGHTS\n"
	       "WHO    := { owner | everyone | uid ID | group ID | cap ID }\n"
	       "RIGHTS := { connect | query | admin }[,...] | all\n"
	       "\n"
	       "portctl acl set NAME allow uid 1000 connect,query deny everyone all\n");
	return EXIT_OK;
}

static int do_acl_show(int argc, char **argv)
{
	struct lpc_ace aces[LPC_ACL_MAX];
	unsigned int count = LPC_ACL_MAX;
	struct source src;
	int ret;

	if (argc != 1) {
		p_err(argc ? "one NAME only" : "which port? portctl acl show NAME");
		return EXIT_USAGE;
	}
	ret = source_open(&src);
	if (ret)
		return EXIT_FAIL;
	ret = source_acl_get(&src, argv[0], aces, &count);
	source_close(&src);
	if (ret == -ENOSPC) {
		p_err("the ACL has %u entries, more than %d", count,
		      LPC_ACL_MAX);
		return EXIT_FAIL;
	}
	if (ret)
		return EXIT_FAIL;
	print_acl(aces, count);
	return EXIT_OK;
}

static int do_acl_set(int argc, char **argv)
{
	struct lpc_ace aces[LPC_ACL_MAX];
	struct source src;
	int n, ret;

	if (argc < 1) {
		p_err("which port? portctl acl set NAME RULE...");
		return EXIT_USAGE;
	}
	if (argc < 2) {
		p_err("no rules; an ACL needs at least one (allow owner all)");
		return EXIT_USAGE;
	}
	n = parse_rules(argc - 1, argv + 1, aces);
	if (n < 0)
		return EXIT_USAGE;
	if (opts.dry_run) {
		print_acl(aces, (unsigned int)n);
		return EXIT_OK;
	}
	ret = source_open(&src);
	if (ret)
		return EXIT_FAIL;
	ret = source_acl_set(&src, argv[0], aces, (unsigned int)n);
	source_close(&src);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static const struct cmd acl_cmds[] = {
	{ "show",	do_acl_show },
	{ "set",	do_acl_set },
	{ "help",	acl_help },
	{ NULL,		NULL },
};

int do_acl(int argc, char **argv)
{
	return cmd_select(acl_cmds, argc, argv, acl_help);
}
