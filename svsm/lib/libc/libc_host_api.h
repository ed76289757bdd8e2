/* SPDX-License-Identifier: MIT */
/*
 * The libc as host unit tests see it: built with SVSM_LIBC_PREFIX, every function carries an
 * svsm_ prefix so it can be compared with glibc's. mk/deps.mk force-includes this header into the
 * prefixed build, so the compiler checks each declaration here against the real one.
 */
#ifndef SVSM_LIBC_HOST_API_H
#define SVSM_LIBC_HOST_API_H

#include <stdarg.h>
#include <stddef.h>

void *svsm_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *svsm_memmove(void *dst, const void *src, size_t n);
void *svsm_memset(void *dst, int c, size_t n);
int svsm_memcmp(const void *a, const void *b, size_t n);
void *svsm_memchr(const void *s, int c, size_t n);
size_t svsm_strlen(const char *s);
size_t svsm_strnlen(const char *s, size_t max_len);
int svsm_strcmp(const char *a, const char *b);
int svsm_strncmp(const char *a, const char *b, size_t n);
char *svsm_strchr(const char *s, int c);
char *svsm_strrchr(const char *s, int c);
char *svsm_strstr(const char *haystack, const char *needle);
char *svsm_strncpy(char *restrict dst, const char *restrict src, size_t n);
int svsm_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int svsm_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* What our headers define inline, compiled against them (tests/unit/libc_freestanding_shims.c):
 * ldexp() from <math.h>, and the <inttypes.h> macros PRI{d,i,u,x,X,o}64, PRI{d,u,x}32,
 * PRI{d,u,x}PTR and PRI{d,u,x}MAX in that order. */
double svsm_test_ldexp(double x, int exp);
extern const char *const svsm_test_pri_macros[];
extern const size_t svsm_test_pri_macro_count;

#endif
