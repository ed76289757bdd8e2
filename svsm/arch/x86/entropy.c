/* SPDX-License-Identifier: MIT */
/*
 * RDSEED/RDRAND with bounded retries. Written without libc (no memcpy) so that it builds with the
 * SVSM's general-register-only flags as well as on the host.
 */
#include "entropy.h"

#define CPUID_LEAF_FEATURES	     1
#define CPUID_LEAF_EXTENDED_FEATURES 7
#define CPUID_1_ECX_RDRAND	     (1u << 30)
#define CPUID_7_EBX_RDSEED	     (1u << 18)

struct cpuid_regs {
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
};

static struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static bool cpu_has_rdrand(void)
{
	return (cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_RDRAND) != 0;
}

static bool cpu_has_rdseed(void)
{
	if (cpuid(0, 0).eax < CPUID_LEAF_EXTENDED_FEATURES) {
		return false;
	}
	return (cpuid(CPUID_LEAF_EXTENDED_FEATURES, 0).ebx & CPUID_7_EBX_RDSEED) != 0;
}

static bool draw_rdseed(uint64_t *out)
{
	uint64_t value;
	uint8_t ok;

	__asm__ volatile("rdseed %0; setc %1" : "=r"(value), "=qm"(ok) : : "cc");
	*out = value;
	return ok != 0;
}

static bool draw_rdrand(uint64_t *out)
{
	uint64_t value;
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok) : : "cc");
	*out = value;
	return ok != 0;
}

static void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static void zero_bytes(uint8_t *p, size_t len)
{
	volatile uint8_t *v = p;

	for (size_t i = 0; i < len; i++) {
		v[i] = 0;
	}
}

static bool draw_bounded(x86_entropy_draw_fn draw, unsigned attempts, uint64_t *out)
{
	if (draw == NULL) {
		return false;
	}
	for (unsigned i = 0; i < attempts; i++) {
		if (draw(out)) {
			return true;
		}
		cpu_relax();
	}
	return false;
}

/* RDSEED first; RDRAND only for a word RDSEED could not deliver. */
static bool draw_word(const struct x86_entropy_source *source, uint64_t *out)
{
	if (draw_bounded(source->rdseed, source->rdseed_attempts, out)) {
		return true;
	}
	return draw_bounded(source->rdrand, source->rdrand_attempts, out);
}

enum x86_entropy_status x86_entropy_fill(const struct x86_entropy_source *source, void *buf,
					 size_t len)
{
	uint8_t *dst = buf;
	size_t done = 0;
	uint64_t word = 0;

	if (source->rdseed == NULL && source->rdrand == NULL) {
		zero_bytes(dst, len);
		return X86_ENTROPY_UNSUPPORTED;
	}
	while (done < len) {
		if (!draw_word(source, &word)) {
			zero_bytes((uint8_t *)&word, sizeof(word));
			zero_bytes(dst, len);
			return X86_ENTROPY_EXHAUSTED;
		}
		for (unsigned i = 0; i < sizeof(word) && done < len; i++) {
			dst[done++] = (uint8_t)(word >> (8 * i));
		}
	}
	zero_bytes((uint8_t *)&word, sizeof(word));
	return X86_ENTROPY_OK;
}

enum x86_entropy_status x86_entropy_get(void *buf, size_t len)
{
	const struct x86_entropy_source hardware = {
	    .rdseed = cpu_has_rdseed() ? draw_rdseed : NULL,
	    .rdrand = cpu_has_rdrand() ? draw_rdrand : NULL,
	    .rdseed_attempts = X86_RDSEED_RETRIES,
	    .rdrand_attempts = X86_RDRAND_RETRIES,
	};

	return x86_entropy_fill(&hardware, buf, len);
}

const char *x86_entropy_status_str(enum x86_entropy_status status)
{
	switch (status) {
	case X86_ENTROPY_OK:
		return "ok";
	case X86_ENTROPY_UNSUPPORTED:
		return "CPU has neither RDSEED nor RDRAND";
	case X86_ENTROPY_EXHAUSTED:
		return "RDSEED and RDRAND failed after bounded retries";
	}
	return "unknown entropy status";
}
