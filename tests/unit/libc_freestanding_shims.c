/* SPDX-License-Identifier: MIT */
/*
 * Built against our freestanding headers, not glibc's (see mk/deps.mk), so the tests can reach
 * what those headers define inline: ldexp() from <math.h> and the <inttypes.h> macros.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>

#include "libc_host_api.h"

double svsm_test_ldexp(double x, int exp)
{
	return ldexp(x, exp);
}

const char *const svsm_test_pri_macros[] = {PRId64,  PRIi64,  PRIu64,  PRIx64,	PRIX64,
					    PRIo64,  PRId32,  PRIu32,  PRIx32,	PRIdPTR,
					    PRIuPTR, PRIxPTR, PRIdMAX, PRIuMAX, PRIxMAX};
const size_t svsm_test_pri_macro_count =
    sizeof(svsm_test_pri_macros) / sizeof(svsm_test_pri_macros[0]);
