/* SPDX-License-Identifier: MIT */
/* Invariants. A failed CHECK() is a bug or an attack the design says cannot happen: stop. */
#ifndef SVSM_CHECK_H
#define SVSM_CHECK_H

#include <stdnoreturn.h>

noreturn void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define PANIC(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (__builtin_expect(!(cond), 0)) {                                                \
			panic_at(__FILE__, __LINE__, "CHECK(%s) failed", #cond);                   \
		}                                                                                  \
	} while (0)

#endif
