/* SPDX-License-Identifier: MIT */
/* Helpers for the crypto tests: hex vectors into static buffers, no libc needed. */
#ifndef CRYPTO_TEST_UTIL_H
#define CRYPTO_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline int crypto_test_hex_nibble(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Decodes hex into out (at most cap bytes); returns the byte count, or (size_t)-1 on bad hex. */
static inline size_t crypto_test_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (hex[0] != '\0') {
		int hi = crypto_test_hex_nibble(hex[0]);
		int lo = hex[1] != '\0' ? crypto_test_hex_nibble(hex[1]) : -1;

		if (hi < 0 || lo < 0 || n == cap) {
			return (size_t)-1;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	return n;
}

static inline bool crypto_test_all_bytes(const void *p, uint8_t value, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != value) {
			return false;
		}
	}
	return true;
}

static inline void crypto_test_fill(void *p, uint8_t value, size_t len)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		b[i] = value;
	}
}

static inline bool crypto_test_equal(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a;
	const uint8_t *y = b;

	for (size_t i = 0; i < len; i++) {
		if (x[i] != y[i]) {
			return false;
		}
	}
	return true;
}

#endif
