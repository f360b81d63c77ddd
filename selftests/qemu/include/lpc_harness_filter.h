/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test selection for the kselftest harness of Linux 6.1.
 *
 * The lpc selftests are built against kselftest_harness.h from Debian's
 * linux-source-6.1, whose TEST_HARNESS_MAIN ignores its arguments: it
 * cannot list tests or run only some of them (6.3 added -l/-t/-T). The
 * build force-includes this header (-include) before every test: it
 * includes the real one, whose include guard then makes the test's own
 * #include a no-op, and replaces TEST_HARNESS_MAIN so that a test binary
 * also understands
 *
 *   test -l                      list "fixture[.variant].test", one a line
 *   LPC_TEST_FILTER=PAT test     run only the tests whose full name
 *                                matches the fnmatch(3) pattern *PAT*
 *
 * which is how 'make check T=...' selects single tests. Without either, the
 * binary behaves exactly like the stock harness. The string
 * LPC_HARNESS_FILTER_TAG marks binaries that support this, so the VM's init
 * never passes -l to a binary that would ignore it and run everything.
 */
#ifndef LPC_KSELFTEST_HARNESS_FILTER_H
#define LPC_KSELFTEST_HARNESS_FILTER_H

#include <kselftest_harness.h>

#include <fnmatch.h>

#define LPC_HARNESS_FILTER_TAG "lpc-harness-filter-v1"

static const char __attribute__((used)) lpc_harness_filter_tag[] =
	LPC_HARNESS_FILTER_TAG;

static void lpc_harness_name(char *buf, size_t len,
			     const struct __fixture_metadata *f,
			     const struct __fixture_variant_metadata *v,
			     const struct __test_metadata *t)
{
	snprintf(buf, len, "%s%s%s.%s", f->name, v->name[0] ? "." : "",
		 v->name, t->name);
}

/* Walk every (fixture, variant, test); with @run, run the matching ones. */
static unsigned int lpc_harness_walk(const char *pattern, bool list,
				     bool run, unsigned int *passed)
{
	struct __fixture_variant_metadata no_variant = { .name = "", };
	struct __fixture_variant_metadata *v;
	struct __test_results *results = NULL;
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	unsigned int count = 0;
	char name[1024];

	if (run) {
		results = mmap(NULL, sizeof(*results), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (results == MAP_FAILED)
			ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	}
	for (f = __fixture_list; f; f = f->next) {
		for (v = f->variant ?: &no_variant; v; v = v->next) {
			for (t = f->tests; t; t = t->next) {
				lpc_harness_name(name, sizeof(name), f, v, t);
				if (pattern && fnmatch(pattern, name, 0))
					continue;
				count++;
				if (list)
					printf("%s\n", name);
				if (!run)
					continue;
				t->results = results;
				__run_test(f, v, t);
				t->results = NULL;
				if (t->passed)
					(*passed)++;
			}
		}
	}
	if (results)
		munmap(results, sizeof(*results));
	return count;
}

static int lpc_harness_run(int argc, char **argv)
{
	const char *filter = getenv("LPC_TEST_FILTER");
	unsigned int count, passed = 0;
	char pattern[512];

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		lpc_harness_walk(NULL, true, false, NULL);
		return KSFT_PASS;
	}
	if (!filter || !*filter)
		return test_harness_run(argc, argv);

	if (snprintf(pattern, sizeof(pattern), "*%s*", filter) >=
	    (int)sizeof(pattern))
		ksft_exit_fail_msg("LPC_TEST_FILTER is too long\n");
	ksft_print_header();
	count = lpc_harness_walk(pattern, false, false, NULL);
	ksft_set_plan(count);
	ksft_print_msg("Running %u tests matching '%s'.\n", count, pattern);
	lpc_harness_walk(pattern, false, true, &passed);
	ksft_print_msg("%s: %u / %u tests passed.\n",
		       passed == count ? "PASSED" : "FAILED", passed, count);
	ksft_exit(passed == count);
	return KSFT_FAIL;
}

#undef TEST_HARNESS_MAIN
#define TEST_HARNESS_MAIN \
	static void __attribute__((constructor)) \
	__constructor_order_last(void) \
	{ \
		if (!__constructor_order) \
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	} \
	int main(int argc, char **argv) { \
		return lpc_harness_run(argc, argv); \
	}

#endif /* LPC_KSELFTEST_HARNESS_FILTER_H */
