/* SPDX-License-Identifier: MIT */
/*
 * libcbor's build configuration (what its CMake writes from configuration.h.in), for both our
 * builds of libcbor 0.10.2. Allocation always goes through the function pointers that
 * cbor_set_allocs() replaces; the SVSM points them at its static pool.
 */
#ifndef LIBCBOR_CONFIGURATION_H
#define LIBCBOR_CONFIGURATION_H

#define CBOR_MAJOR_VERSION 0
#define CBOR_MINOR_VERSION 10
#define CBOR_PATCH_VERSION 2

#define CBOR_BUFFER_GROWTH  2
#define CBOR_MAX_STACK_SIZE 2048

/* The pretty printer needs stdio streams, locales and wide characters: host only. */
#if defined(SVSM_FREESTANDING)
#define CBOR_PRETTY_PRINTER 0
#else
#define CBOR_PRETTY_PRINTER 1
#endif

#define CBOR_RESTRICT_SPECIFIER restrict
#define CBOR_INLINE_SPECIFIER

#endif
