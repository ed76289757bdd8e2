/* SPDX-License-Identifier: MIT */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool host_parse_u64(const char *text, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	/* strtoull would skip spaces and accept a sign; a number starts with a digit. */
	if (text[0] < '0' || text[0] > '9') {
		return false;
	}
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0') {
		return false;
	}
	*out = v;
	return true;
}

bool host_parse_size(const char *text, uint64_t *out)
{
	char digits[32];
	size_t len = strlen(text);
	unsigned shift = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof(digits)) {
		return false;
	}
	memcpy(digits, text, len + 1);
	switch (digits[len - 1]) {
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift != 0) {
		digits[len - 1] = '\0';
	}
	if (!host_parse_u64(digits, &v) || v > (UINT64_MAX >> shift)) {
		return false;
	}
	*out = v << shift;
	return true;
}
