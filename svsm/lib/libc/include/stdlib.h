/* SPDX-License-Identifier: MIT */
/*
 * Freestanding <stdlib.h>. Only exit() is implemented here (as a panic). The SVSM defines abort()
 * as a panic and backs the allocation functions with a static pool (libcbor's default allocator
 * pointers name malloc/realloc/free; mbedTLS gets its own static buffer).
 */
#ifndef SVSM_LIBC_STDLIB_H
#define SVSM_LIBC_STDLIB_H

#include <stddef.h>

#include "svsm_libc_names.h"

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

_Noreturn void abort(void);
/* There is no process to end: a library calling exit() has given up, which is a panic. */
_Noreturn void exit(int status);

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

/* Declared only because the compiler's <mm_malloc.h> (pulled in by <immintrin.h> for AES-NI)
 * wraps it in an inline function; nothing calls it. */
int posix_memalign(void **out, size_t alignment, size_t size);

#endif
