/* SPDX-License-Identifier: MIT */
#ifndef SVSM_CORE_CONSOLE_H
#define SVSM_CORE_CONSOLE_H

#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t len);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
