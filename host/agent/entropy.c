/* SPDX-License-Identifier: MIT */
/*
 * The platform's entropy hook for the agent's copy of svsm/crypto, which comes with the record
 * decoder. The agent never seals, opens or derives anything; this only satisfies the link, from
 * the kernel's generator.
 */
#include <sys/random.h>

#include "svsm/plat.h"

enum plat_status plat_get_entropy(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n <= 0) {
			return PLAT_ERR_ENTROPY;
		}
		p += n;
		len -= (size_t)n;
	}
	return PLAT_OK;
}
