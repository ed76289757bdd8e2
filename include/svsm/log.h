/* SPDX-License-Identifier: MIT */
/*
 * Log levels follow Hafnium's rule: nothing a guest or the host does may produce an ERROR line;
 * ERROR is for the SVSM's own failures. Secrets are never logged at any level.
 */
#ifndef SVSM_LOG_H
#define SVSM_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vprintf(enum log_level level, const char *fmt, va_list ap);

#define LOG_ERROR(...) log_printf(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_WARN(...)  log_printf(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_INFO(...)  log_printf(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) log_printf(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
