/* SPDX-License-Identifier: MIT */
#include "der.h"

#include <string.h>

void der_init(struct der *d)
{
	memset(d, 0, sizeof(*d));
}

void der_raw(struct der *d, const void *p, size_t n)
{
	if (d->overflow || n > sizeof(d->buf) - d->len) {
		d->overflow = true;
		return;
	}
	if (n == 0) {
		return; /* p may be NULL, which memcpy never takes */
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

static void der_len(struct der *d, size_t len)
{
	uint8_t bytes[3];

	if (len < 0x80) {
		bytes[0] = (uint8_t)len;
		der_raw(d, bytes, 1);
	} else if (len <= 0xFF) {
		bytes[0] = 0x81;
		bytes[1] = (uint8_t)len;
		der_raw(d, bytes, 2);
	} else {
		bytes[0] = 0x82;
		bytes[1] = (uint8_t)(len >> 8);
		bytes[2] = (uint8_t)len;
		der_raw(d, bytes, 3);
	}
}

void der_tlv(struct der *d, uint8_t tag, const void *content, size_t len)
{
	if (len > 0xFFFF) {
		d->overflow = true;
		return;
	}
	der_raw(d, &tag, 1);
	der_len(d, len);
	der_raw(d, content, len);
}

void der_wrap(struct der *d, uint8_t tag, const struct der *inner)
{
	if (inner->overflow) {
		d->overflow = true;
		return;
	}
	der_tlv(d, tag, inner->buf, inner->len);
}

/* Non-negative INTEGER in minimal two's complement (a leading zero when the top bit is set). */
void der_small_int(struct der *d, unsigned value)
{
	uint8_t bytes[5];
	size_t start = 1;

	bytes[0] = 0;
	bytes[1] = (uint8_t)(value >> 24);
	bytes[2] = (uint8_t)(value >> 16);
	bytes[3] = (uint8_t)(value >> 8);
	bytes[4] = (uint8_t)value;
	while (start < 4 && bytes[start] == 0) {
		start++;
	}
	if ((bytes[start] & 0x80) != 0) {
		start--;
	}
	der_tlv(d, DER_INTEGER, bytes + start, 5 - start);
}

void der_oid(struct der *d, const uint8_t *oid, size_t len)
{
	der_tlv(d, DER_OID, oid, len);
}

void der_null(struct der *d)
{
	der_tlv(d, DER_NULL, NULL, 0);
}
