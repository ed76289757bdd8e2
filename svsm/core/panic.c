/* SPDX-License-Identifier: MIT */
/* panic: print where, stop every other CPU, and end the VM through the platform. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/check.h"
#include "svsm/core/console.h"
#include "svsm/plat.h"

#define TERMINATE_PANIC 1U

static volatile uint32_t panicking;

noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	irq_disable();
	if (__atomic_exchange_n(&panicking, 1U, __ATOMIC_ACQ_REL) != 0U) {
		for (;;) {
			__asm__ volatile("hlt");
		}
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_printf("\n[PANIC cpu%u] %s:%d: %s\n", cpu_index(), file, line, buf);
	plat_terminate(TERMINATE_PANIC);
}

noreturn void abort(void)
{
	PANIC("abort() called");
}
