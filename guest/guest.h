/* SPDX-License-Identifier: MIT */
/* Pieces of the ring-3 payload shared between its files. Guest memory is identity mapped, so a
 * GPA the SVSM hands over is also a pointer, and the address of payload data is its GPA. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdnoreturn.h>

#include "svsm/guest_abi.h"
#include "svsm/protocol.h"

static inline void *gpa_to_ptr(uint64_t gpa)
{
	return (void *)(uintptr_t)gpa;
}

static inline uint64_t ptr_to_gpa(const void *ptr)
{
	return (uint64_t)(uintptr_t)ptr;
}

/* A log line assembled on the stack, then sent with SVSM_LOG_WRITE. Text past SVSM_LOG_MAX is
 * dropped. */
struct log_line {
	char text[SVSM_LOG_MAX];
	uint32_t len;
};

void line_start(struct log_line *line, const struct guest_vcpu_info *info);
void line_str(struct log_line *line, const char *text);
void line_dec(struct log_line *line, uint64_t value);
void line_hex(struct log_line *line, uint64_t value);
uint64_t line_send(const struct log_line *line);

/* Idles the vCPU for good: SVSM_LOG_IDLE until the SVSM stops calling us back. */
noreturn void guest_idle(void);
/* state = FAILED, logs "vcpu N: <what> failed: 0x<code>", idles. */
noreturn void guest_fail(struct guest_vcpu_info *info, const char *what, uint64_t code);

/* PVALIDATEs (validates) every 4 KiB page of the vCPU's region through the SVSM; returns the
 * SVSM result of the first failing call, or SVSM_SUCCESS. */
uint64_t guest_validate_region(const struct guest_vcpu_info *info);

#endif
