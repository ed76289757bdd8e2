/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests link this libc next to glibc. Built with -DSVSM_LIBC_PREFIX, every function
 * it defines is emitted as svsm_<name> so the two never clash; the SVSM build uses plain names.
 */
#ifndef SVSM_LIBC_NAMES_H
#define SVSM_LIBC_NAMES_H

#if defined(SVSM_LIBC_PREFIX)
#define exit	  svsm_exit
#define memchr	  svsm_memchr
#define memcmp	  svsm_memcmp
#define memcpy	  svsm_memcpy
#define memmove	  svsm_memmove
#define memset	  svsm_memset
#define strchr	  svsm_strchr
#define strcmp	  svsm_strcmp
#define strlen	  svsm_strlen
#define strncpy	  svsm_strncpy
#define strncmp	  svsm_strncmp
#define strnlen	  svsm_strnlen
#define strrchr	  svsm_strrchr
#define strstr	  svsm_strstr
#define snprintf  svsm_snprintf
#define vsnprintf svsm_vsnprintf
#endif

#endif
