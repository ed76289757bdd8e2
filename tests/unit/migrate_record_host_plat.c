/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for the one platform function the crypto objects in unit-migrate reference:
 * entropy from the CPU (the host is x86-64), as the SVSM platforms provide it. An in-guest build
 * of the migrate tests uses the real platform instead of this file.
 */
#include "svsm/plat.h"

#include "arch/x86/entropy.h"

enum plat_status plat_get_entropy(void *buf, size_t len)
{
	switch (x86_entropy_get(buf, len)) {
	case X86_ENTROPY_OK:
		return PLAT_OK;
	case X86_ENTROPY_UNSUPPORTED:
		return PLAT_ERR_UNSUPPORTED;
	case X86_ENTROPY_EXHAUSTED:
		return PLAT_ERR_ENTROPY;
	}
	return PLAT_ERR_ENTROPY;
}
