/* SPDX-License-Identifier: MIT */
/*
 * Freestanding <assert.h>: a failed assert() is a panic of the SVSM (panic_at, svsm/check.h).
 * Like the standard header, assert() follows NDEBUG at each inclusion.
 */
#ifndef SVSM_LIBC_ASSERT_H
#define SVSM_LIBC_ASSERT_H

__attribute__((__noreturn__, __format__(__printf__, 3, 4))) void
panic_at(const char *file, int line, const char *fmt, ...);

#define static_assert _Static_assert

#endif

#undef assert
#if defined(NDEBUG)
#define assert(expr) ((void)0)
#else
#define assert(expr) ((expr) ? (void)0 : panic_at(__FILE__, __LINE__, "assert(%s) failed", #expr))
#endif
