/* SPDX-License-Identifier: MIT */
/*
 * Freestanding <math.h>: only what libcbor's float decoding needs. ldexp() is inline so that
 * floating-point code exists only in the translation units that use it (compiled with SSE);
 * libc.a itself is built without SSE.
 */
#ifndef SVSM_LIBC_MATH_H
#define SVSM_LIBC_MATH_H

#include <stdint.h>

#define INFINITY (__builtin_inff())
#define NAN	 (__builtin_nanf(""))

/* Exponent bias and the largest useful scaling: any finite double times 2^±2200 is 0 or inf. */
#define SVSM_LDEXP_BIAS	     1023
#define SVSM_LDEXP_MAX_SHIFT 2200

static inline double svsm_ldexp_power_of_two(int exp)
{
	union {
		uint64_t bits;
		double value;
	} power = {.bits = (uint64_t)(exp + SVSM_LDEXP_BIAS) << 52};

	return power.value;
}

/*
 * x * 2^exp, rounded once in the common case. Large shifts are applied in steps whose factors
 * are normal doubles; downward steps stop 53 binades early so the intermediate result stays
 * normal and only the last multiplication rounds into the subnormal range.
 */
static inline double ldexp(double x, int exp)
{
	if (exp > SVSM_LDEXP_MAX_SHIFT) {
		exp = SVSM_LDEXP_MAX_SHIFT;
	}
	if (exp < -SVSM_LDEXP_MAX_SHIFT) {
		exp = -SVSM_LDEXP_MAX_SHIFT;
	}
	while (exp > 1023) {
		x *= svsm_ldexp_power_of_two(1023);
		exp -= 1023;
	}
	while (exp < -1022) {
		x *= svsm_ldexp_power_of_two(-1022 + 53);
		exp += 1022 - 53;
	}
	return x * svsm_ldexp_power_of_two(exp);
}

#endif
