/* SPDX-License-Identifier: MIT */
/*
 * The test runner shared by the host test binaries and the in-guest harness. Its output lines are
 * the protocol the host parses (tests/run-guest.sh, tests/summary.sh):
 *   [test] PLAN <n>
 *   [test] RUN <suite>.<name>
 *   [test] PASS <suite>.<name>   or   [test] FAIL <suite>.<name>
 *   [test] DONE <passed> passed, <failed> failed
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "svsm/test.h"

extern const struct test_case __start_svsm_tests[];
extern const struct test_case __stop_svsm_tests[];

static unsigned current_failures;

unsigned test_current_failures(void)
{
	return current_failures;
}

void test_note_failure(void)
{
	current_failures++;
}

static bool name_matches(const struct test_case *t, const char *prefix)
{
	size_t suite_len;
	size_t prefix_len;

	if (prefix == NULL || prefix[0] == '\0') {
		return true;
	}
	suite_len = strlen(t->suite);
	prefix_len = strlen(prefix);
	if (prefix_len <= suite_len) {
		return strncmp(t->suite, prefix, prefix_len) == 0;
	}
	if (strncmp(t->suite, prefix, suite_len) != 0 || prefix[suite_len] != '.') {
		return false;
	}
	return strncmp(t->name, prefix + suite_len + 1, prefix_len - suite_len - 1) == 0;
}

unsigned test_count(const char *prefix)
{
	unsigned n = 0;

	for (const struct test_case *t = __start_svsm_tests; t < __stop_svsm_tests; t++) {
		if (name_matches(t, prefix)) {
			n++;
		}
	}
	return n;
}

struct test_totals test_run_all(const char *prefix)
{
	struct test_totals totals = {0, 0};

	test_log("[test] PLAN %u\n", test_count(prefix));
	for (const struct test_case *t = __start_svsm_tests; t < __stop_svsm_tests; t++) {
		if (!name_matches(t, prefix)) {
			continue;
		}
		test_log("[test] RUN %s.%s\n", t->suite, t->name);
		current_failures = 0;
		t->run();
		if (current_failures == 0) {
			totals.passed++;
			test_log("[test] PASS %s.%s\n", t->suite, t->name);
		} else {
			totals.failed++;
			test_log("[test] FAIL %s.%s\n", t->suite, t->name);
		}
	}
	test_log("[test] DONE %u passed, %u failed\n", totals.passed, totals.failed);
	return totals;
}
