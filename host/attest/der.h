/* SPDX-License-Identifier: MIT */
/* A small forward DER writer for the build-time test certificates (host only). */
#ifndef HOST_ATTEST_DER_H
#define HOST_ATTEST_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DER_MAX 8192

#define DER_BOOLEAN	0x01
#define DER_INTEGER	0x02
#define DER_BIT_STRING	0x03
#define DER_OCTET	0x04
#define DER_NULL	0x05
#define DER_OID		0x06
#define DER_UTF8	0x0C
#define DER_GENERALIZED 0x18
#define DER_SEQUENCE	0x30
#define DER_SET		0x31
#define DER_CONTEXT(n)	(0xA0 | (n))

/* Writes past the end set overflow instead of writing; callers check it once at the end. */
struct der {
	uint8_t buf[DER_MAX];
	size_t len;
	bool overflow;
};

void der_init(struct der *d);
void der_raw(struct der *d, const void *p, size_t n);
void der_tlv(struct der *d, uint8_t tag, const void *content, size_t len);
/* Appends inner as the content of a tag (SEQUENCE, SET, [n]). */
void der_wrap(struct der *d, uint8_t tag, const struct der *inner);
void der_small_int(struct der *d, unsigned value);
void der_oid(struct der *d, const uint8_t *oid, size_t len);
void der_null(struct der *d);

#endif
