/* SPDX-License-Identifier: MIT */
/* The platform seam's status names: one table for every backend (include/svsm/plat.h). */
#include "svsm/plat.h"

const char *plat_status_str(enum plat_status status)
{
	switch (status) {
	case PLAT_OK:
		return "ok";
	case PLAT_ERR_INPUT:
		return "invalid input (not guest RAM or misaligned)";
	case PLAT_ERR_UNCHANGED:
		return "page already in the requested state";
	case PLAT_ERR_SIZEMISMATCH:
		return "2 MiB operation over non-uniform 4 KiB pages";
	case PLAT_ERR_PERMISSION:
		return "permission denied";
	case PLAT_ERR_TIMEOUT:
		return "timeout";
	case PLAT_ERR_ENTROPY:
		return "no hardware entropy";
	case PLAT_ERR_UNSUPPORTED:
		return "unsupported on this platform";
	case PLAT_ERR_HARDWARE:
		return "platform failure";
	}
	return "unknown platform status";
}
