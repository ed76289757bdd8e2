/* SPDX-License-Identifier: MIT */
/* log_printf() and panic_at() for host programs: stderr, and abort() so sanitizers print a trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "svsm/check.h"
#include "svsm/log.h"

static enum log_level current_level = LOG_LEVEL_INFO;
static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level > current_level) {
		return;
	}
	fprintf(stderr, "[%s] ", level_names[level]);
	vfprintf(stderr, fmt, ap);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "PANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}
