/* SPDX-License-Identifier: MIT */
/* The parts of <stdlib.h> the libc itself implements. */
#include <stdlib.h>

__attribute__((noreturn, format(printf, 3, 4))) void panic_at(const char *file, int line,
							      const char *fmt, ...);

void exit(int status)
{
	panic_at(__FILE__, __LINE__, "exit(%d) called: a library found an unrecoverable error",
		 status);
}
