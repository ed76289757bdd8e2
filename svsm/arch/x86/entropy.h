/* SPDX-License-Identifier: MIT */
/*
 * Hardware entropy on x86-64: RDSEED (conditioned seed, the right input for a DRBG), falling back
 * to RDRAND when RDSEED is missing or keeps underflowing. Every loop is bounded: a CPU that never
 * delivers makes x86_entropy_get() fail instead of hanging the SVSM.
 */
#ifndef SVSM_ARCH_X86_ENTROPY_H
#define SVSM_ARCH_X86_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_entropy_status {
	X86_ENTROPY_OK = 0,
	X86_ENTROPY_UNSUPPORTED, /* CPUID reports neither RDSEED nor RDRAND */
	X86_ENTROPY_EXHAUSTED,	 /* both instructions failed past their retry bounds */
};

/*
 * RDSEED underflows legitimately when many threads drain it, so it gets many attempts with PAUSE
 * in between. RDRAND failing 10 times in a row means a broken DRNG (Intel DRNG guide, 5.2.1).
 */
#define X86_RDSEED_RETRIES 128
#define X86_RDRAND_RETRIES 10

const char *x86_entropy_status_str(enum x86_entropy_status status);

/* Fills buf with hardware entropy. On failure buf is zeroed. */
enum x86_entropy_status x86_entropy_get(void *buf, size_t len);

/* One 64-bit draw from an instruction; false when it delivered nothing (CF=0). */
typedef bool (*x86_entropy_draw_fn)(uint64_t *out);

struct x86_entropy_source {
	x86_entropy_draw_fn rdseed; /* NULL when the CPU lacks the instruction */
	x86_entropy_draw_fn rdrand; /* NULL when the CPU lacks the instruction */
	unsigned rdseed_attempts;
	unsigned rdrand_attempts;
};

/* The loop behind x86_entropy_get() over any source, so tests can drive the failure paths with
 * draws that fail on purpose. On failure buf is zeroed. */
enum x86_entropy_status x86_entropy_fill(const struct x86_entropy_source *source, void *buf,
					 size_t len);

#endif
