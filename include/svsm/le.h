/* SPDX-License-Identifier: MIT */
/*
 * Little-endian fields of byte-exact formats (saved vCPU states, capture files, digest inputs):
 * explicit bytes, so neither alignment nor the host's byte order matters.
 */
#ifndef SVSM_LE_H
#define SVSM_LE_H

#include <stdint.h>

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static inline uint32_t get_le32(const uint8_t *p)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 4; i++) {
		v |= (uint32_t)p[i] << (8 * i);
	}
	return v;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

#endif
