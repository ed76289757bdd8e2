/* SPDX-License-Identifier: MIT */
/*
 * Serial console (COM1) with log levels. Lines from different CPUs never interleave: each message
 * is formatted into a local buffer and written under one lock.
 */
#include "svsm/core/console.h"

#include <stdarg.h>
#include <stdio.h>

#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/core/spinlock.h"
#include "svsm/log.h"

#define COM1 0x3F8U

static struct spinlock console_lock = SPINLOCK_INIT;
static enum log_level current_level = LOG_LEVEL_INFO;
static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void console_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xC7); /* FIFO */
	outb(COM1 + 4, 0x03);
}

static void serial_putc(char c)
{
	for (unsigned spin = 0; spin < 100000U && (inb(COM1 + 5) & 0x20) == 0; spin++) {
		cpu_relax();
	}
	outb(COM1, (uint8_t)c);
}

void console_write(const char *s, size_t len)
{
	uint64_t flags = spin_lock_irq(&console_lock);

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			serial_putc('\r');
		}
		serial_putc(s[i]);
	}
	spin_unlock_irq(&console_lock, flags);
}

void console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

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
	char buf[512];
	int head;
	int n;

	if (level > current_level) {
		return;
	}
	head = snprintf(buf, sizeof(buf), "[%s cpu%u] ", level_names[level], cpu_index());
	if (head < 0) {
		return;
	}
	n = vsnprintf(buf + head, sizeof(buf) - (size_t)head, fmt, ap);
	if (n < 0) {
		return;
	}
	n += head;
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}
