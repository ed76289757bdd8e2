/* SPDX-License-Identifier: MIT */
/*
 * The symbols the freestanding libraries expect the SVSM to define, and nothing else: the link
 * check proves that this list is complete. Never run; the SVSM's real definitions are a panic
 * (panic_at) and its static-pool allocator (malloc/realloc/free, named by libcbor's default
 * allocator pointers until cbor_set_allocs() replaces them).
 */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

void panic_at(const char *file, int line, const char *fmt, ...)
{
	(void)file;
	(void)line;
	(void)fmt;
	for (;;) {
		__asm__ volatile("hlt");
	}
}

void *malloc(size_t size)
{
	(void)size;
	return NULL;
}

void *realloc(void *ptr, size_t size)
{
	(void)ptr;
	(void)size;
	return NULL;
}

void free(void *ptr)
{
	(void)ptr;
}
