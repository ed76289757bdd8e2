/* SPDX-License-Identifier: MIT */
/*
 * The compiler may emit calls to memset and memcpy for struct copies and zeroing loops even in
 * freestanding code; the payload has no libc, so it carries these two. Built with
 * -fno-tree-loop-distribute-patterns so the loops do not turn back into calls to themselves.
 */
#include <stddef.h>

void *memset(void *dst, int value, size_t len);
void *memcpy(void *restrict dst, const void *restrict src, size_t len);

void *memset(void *dst, int value, size_t len)
{
	unsigned char *d = dst;

	for (size_t i = 0; i < len; i++) {
		d[i] = (unsigned char)value;
	}
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (size_t i = 0; i < len; i++) {
		d[i] = s[i];
	}
	return dst;
}
