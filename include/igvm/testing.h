/* SPDX-License-Identifier: MIT */
/* Helpers shared by the IGVM host unit tests (tests/unit/igvm_*.c); not part of the tool. */
#ifndef IGVM_TESTING_H
#define IGVM_TESTING_H

#include "igvm/builder.h"
#include "igvm/image.h"

struct test_elf_segment {
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;
	uint8_t fill; /* file bytes are fill, fill+1, ... */
};

/* Writes an ELF64 x86-64 executable with the given PT_LOAD segments into a malloc'ed buffer. */
uint8_t *igvm_test_make_elf(uint64_t entry, const struct test_elf_segment *segments, size_t count,
			    size_t *len);

/* The assembled reset stub, embedded in the test binary. */
const uint8_t *igvm_test_reset_stub(size_t *len);

/* A small valid build input: SVSM with code at 0x100000 and bss, guest at 0x4000000. Free with
 * igvm_test_free_input. */
void igvm_test_small_input(struct igvm_build_input *in);
void igvm_test_free_input(struct igvm_build_input *in);

/* Builds and serialises the small input; returns NULL (after a test failure) on error. */
uint8_t *igvm_test_build_small_file(size_t *len);

#define IGVM_TEST_SVSM_ENTRY 0x100010ULL

#endif
