/* SPDX-License-Identifier: MIT */
/* Numbers from command lines, refused unless they are exactly what they look like. */
#ifndef HOST_LIB_PARSE_H
#define HOST_LIB_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal or 0x-hex: no sign, no spaces, no junk, no overflow. */
bool host_parse_u64(const char *text, uint64_t *out);

/* The same with an optional K, M or G suffix (either case; powers of 1024), as the VMs' --ram. */
bool host_parse_size(const char *text, uint64_t *out);

#endif
