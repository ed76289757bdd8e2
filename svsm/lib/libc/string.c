/* SPDX-License-Identifier: MIT */
/*
 * Memory and string functions. Built without SSE (the SVSM never touches vector registers
 * outside crypto code), and with -fno-tree-loop-distribute-patterns so the compiler does not
 * turn these loops back into calls to themselves.
 *
 * memcpy/memset use "rep movsb/stosb": fast on every CPU with ERMS (all SEV-SNP hosts) and free
 * of SSE. Page-sized copies of guest memory go through memcpy, so this is the hot path. They rely
 * on the direction flag being clear, as the SysV ABI guarantees at every call; SVSM entry code
 * that could inherit DF=1 must clear it (cld) before calling C.
 */
#include <stdint.h>
#include <string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *out = dst;

	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return out;
}

void *memset(void *dst, int c, size_t n)
{
	void *out = dst;

	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return out;
}

/* Backwards copy for overlapping moves to a higher address: words while both ends allow it. */
static void copy_backwards(unsigned char *dst, const unsigned char *src, size_t n)
{
	while (n > 0 && ((uintptr_t)(dst + n) % sizeof(uint64_t)) != 0) {
		n--;
		dst[n] = src[n];
	}
	while (n >= sizeof(uint64_t)) {
		uint64_t word;

		n -= sizeof(uint64_t);
		__builtin_memcpy(&word, src + n, sizeof(word));
		__builtin_memcpy(dst + n, &word, sizeof(word));
	}
	while (n > 0) {
		n--;
		dst[n] = src[n];
	}
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	/* A forward copy is safe unless the destination starts inside the source. */
	if ((uintptr_t)d - (uintptr_t)s >= n) {
		return memcpy(dst, src, n);
	}
	copy_backwards(d, s, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a;
	const unsigned char *pb = b;

	for (size_t i = 0; i < n; i++) {
		if (pa[i] != pb[i]) {
			return pa[i] < pb[i] ? -1 : 1;
		}
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c) {
			return (void *)(p + i);
		}
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t strnlen(const char *s, size_t max_len)
{
	size_t n = 0;

	while (n < max_len && s[n] != '\0') {
		n++;
	}
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	while (*pa != '\0' && *pa == *pb) {
		pa++;
		pb++;
	}
	return (*pa > *pb) - (*pa < *pb);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	for (size_t i = 0; i < n; i++) {
		if (pa[i] != pb[i]) {
			return pa[i] < pb[i] ? -1 : 1;
		}
		if (pa[i] == '\0') {
			return 0;
		}
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	const char wanted = (char)c;

	for (;; s++) {
		if (*s == wanted) {
			return (char *)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

char *strrchr(const char *s, int c)
{
	const char wanted = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == wanted) {
			last = s;
		}
		if (*s == '\0') {
			return (char *)last;
		}
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t needle_len = strlen(needle);

	if (needle_len == 0) {
		return (char *)haystack;
	}
	for (; *haystack != '\0'; haystack++) {
		if (*haystack == *needle && strncmp(haystack, needle, needle_len) == 0) {
			return (char *)haystack;
		}
	}
	return NULL;
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t copied = strnlen(src, n);

	memcpy(dst, src, copied);
	memset(dst + copied, 0, n - copied);
	return dst;
}
