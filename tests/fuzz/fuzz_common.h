/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets and the seed generator: the fixed key the record target opens with
 * (so seeds sealed under it authenticate and the fuzzer starts from the accepting path) and the
 * layout of the ring and control targets' inputs.
 */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stdint.h>

#include "svsm/crypto/crypto.h"

static const uint8_t fuzz_record_key[CRYPTO_AEAD_KEY_LEN] = {
    0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x72, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x2d, 0x6b, 0x65, 0x79, 0x21,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

/*
 * Ring target input: a start index for both sides, the host's producer index, the eight slot
 * lengths, then operations (enum fuzz_ring_op, each followed by its operands) until the input
 * ends.
 */
struct fuzz_ring_prefix {
	uint32_t start;
	uint32_t host_prod;
	uint32_t slot_length[8];
};

enum fuzz_ring_op {
	FUZZ_RING_CONSUME = 0,	  /* the SVSM consumes from its in ring */
	FUZZ_RING_SET_PROD = 1,	  /* u32: the host writes the in ring's prod */
	FUZZ_RING_SET_LENGTH = 2, /* u8 slot, u32 length: the host rewrites a slot header */
	FUZZ_RING_SET_CONS = 3,	  /* u32: the host writes the out ring's cons */
	FUZZ_RING_PRODUCE = 4,	  /* u16 length: the SVSM produces into its out ring */
	FUZZ_RING_SET_OWN = 5,	  /* u32: the host scribbles over the SVSM's own indices */
	FUZZ_RING_WRITE_SLOT = 6, /* u8 slot, u16 n, n bytes: the host writes record bytes */
	FUZZ_RING_OPS = 7,
};

/* Control target input: the host registers, then bytes laid over the SVSM half for the host's
 * reader. */
#define FUZZ_CONTROL_HOST_BYTES 128U

#endif
