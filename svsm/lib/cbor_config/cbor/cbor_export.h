/* SPDX-License-Identifier: MIT */
/*
 * What CMake's generate_export_header() would write for libcbor: we only build static
 * archives, so symbols need no export decoration.
 */
#ifndef CBOR_EXPORT_H
#define CBOR_EXPORT_H

#define CBOR_EXPORT
#define CBOR_NO_EXPORT
#define CBOR_DEPRECATED		  __attribute__((__deprecated__))
#define CBOR_DEPRECATED_EXPORT	  CBOR_EXPORT CBOR_DEPRECATED
#define CBOR_DEPRECATED_NO_EXPORT CBOR_NO_EXPORT CBOR_DEPRECATED

#endif
