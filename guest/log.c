/* SPDX-License-Identifier: MIT */
#include "guest.h"
#include "svsm_call.h"

static void line_char(struct log_line *line, char c)
{
	if (line->len < SVSM_LOG_MAX) {
		line->text[line->len++] = c;
	}
}

void line_str(struct log_line *line, const char *text)
{
	for (; *text != '\0'; text++) {
		line_char(line, *text);
	}
}

void line_dec(struct log_line *line, uint64_t value)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	while (n > 0) {
		line_char(line, digits[--n]);
	}
}

void line_hex(struct log_line *line, uint64_t value)
{
	static const char hex[] = "0123456789abcdef";

	line_str(line, "0x");
	for (int shift = 60; shift >= 0; shift -= 4) {
		line_char(line, hex[(value >> shift) & 0xf]);
	}
}

void line_start(struct log_line *line, const struct guest_vcpu_info *info)
{
	line->len = 0;
	line_str(line, "vcpu ");
	line_dec(line, info->vcpu_index);
	line_str(line, ": ");
}

uint64_t line_send(const struct log_line *line)
{
	return svsm_call(SVSM_PROTOCOL_LOG, SVSM_LOG_WRITE, ptr_to_gpa(line->text), line->len, 0);
}

noreturn void guest_idle(void)
{
	for (;;) {
		svsm_call(SVSM_PROTOCOL_LOG, SVSM_LOG_IDLE, 0, 0, 0);
	}
}

noreturn void guest_fail(struct guest_vcpu_info *info, const char *what, uint64_t code)
{
	struct log_line line;

	info->state = GUEST_STATE_FAILED;
	line_start(&line, info);
	line_str(&line, what);
	line_str(&line, " failed: ");
	line_hex(&line, code);
	line_send(&line);
	guest_idle();
}
