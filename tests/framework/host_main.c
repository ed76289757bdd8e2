/* SPDX-License-Identifier: MIT */
/* main() of every host test binary: runs the registered tests, optionally filtered by argv[1]. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "svsm/check.h"
#include "svsm/log.h"
#include "svsm/test.h"

void test_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	test_note_failure();
	printf("[test] Failure: %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct test_totals totals;

	if (getenv("SVSM_TEST_VERBOSE") == NULL) {
		log_set_level(LOG_LEVEL_WARN);
	}
	totals = test_run_all(argc > 1 ? argv[1] : NULL);
	return totals.failed == 0 ? 0 : 1;
}
