/* SPDX-License-Identifier: MIT */
/* The in-guest test image's main: run every registered test, report, exit QEMU with the verdict. */
#include <stdarg.h>
#include <stdio.h>

#include "svsm/core/console.h"
#include "svsm/core/guest.h"
#include "svsm/core/svsm.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/test.h"

void test_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0) {
		console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	}
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
	char buf[384];
	va_list ap;

	test_note_failure();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	test_log("[test] Failure: %s:%d: %s\n", file, line, buf);
}

void svsm_run(void)
{
	struct test_totals totals;

	guest_init();
	log_set_level(LOG_LEVEL_WARN);
	totals = test_run_all(NULL);
	plat_terminate(totals.failed == 0 ? 0 : 1);
}
