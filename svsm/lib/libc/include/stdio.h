/* SPDX-License-Identifier: MIT */
/*
 * Freestanding <stdio.h>: formatting into memory only. There are no streams; the SVSM console
 * formats with vsnprintf() and writes the buffer itself.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags "-+ #0", width and precision (also "*"),
 * length modifiers hh h l ll z j t. %n is never supported. An unsupported directive is copied
 * to the output verbatim so the mistake shows. The return value is the length the full output
 * would have had (without the NUL), or -1 if that exceeds INT_MAX; whenever size > 0 the buffer
 * is NUL-terminated.
 */
#ifndef SVSM_LIBC_STDIO_H
#define SVSM_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#include "svsm_libc_names.h"

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
