/* SPDX-License-Identifier: MIT */
/* Test helpers: ELF files written in C, the embedded reset stub, a small image. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/check.h"
#include "svsm/test.h"

#include "igvm/testing.h"

__asm__(".section .rodata\n"
	".balign 4096\n"
	"igvm_test_stub_start:\n"
	".incbin \"" IGVM_RESET_STUB_BIN "\"\n"
	"igvm_test_stub_end:\n"
	".previous\n");

extern const uint8_t igvm_test_stub_start[];
extern const uint8_t igvm_test_stub_end[];

const uint8_t *igvm_test_reset_stub(size_t *len)
{
	*len = (size_t)(igvm_test_stub_end - igvm_test_stub_start);
	return igvm_test_stub_start;
}

uint8_t *igvm_test_make_elf(uint64_t entry, const struct test_elf_segment *segments, size_t count,
			    size_t *len)
{
	size_t headers = sizeof(Elf64_Ehdr) + count * sizeof(Elf64_Phdr);
	size_t total = headers;
	uint8_t *buf;
	Elf64_Ehdr eh = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
	    .e_type = ET_EXEC,
	    .e_machine = EM_X86_64,
	    .e_version = EV_CURRENT,
	    .e_entry = entry,
	    .e_phoff = sizeof(Elf64_Ehdr),
	    .e_ehsize = sizeof(Elf64_Ehdr),
	    .e_phentsize = sizeof(Elf64_Phdr),
	    .e_phnum = (uint16_t)count,
	};
	size_t data_pos = headers;

	for (size_t i = 0; i < count; i++) {
		total += segments[i].filesz;
	}
	buf = calloc(1, total);
	CHECK(buf != NULL);
	memcpy(buf, &eh, sizeof(eh));
	for (size_t i = 0; i < count; i++) {
		Elf64_Phdr ph = {
		    .p_type = PT_LOAD,
		    .p_flags = segments[i].flags,
		    .p_offset = data_pos,
		    .p_vaddr = segments[i].paddr,
		    .p_paddr = segments[i].paddr,
		    .p_filesz = segments[i].filesz,
		    .p_memsz = segments[i].memsz,
		    .p_align = 4096,
		};

		memcpy(buf + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		for (uint64_t b = 0; b < segments[i].filesz; b++) {
			buf[data_pos + b] = (uint8_t)(segments[i].fill + b);
		}
		data_pos += segments[i].filesz;
	}
	*len = total;
	return buf;
}

void igvm_test_small_input(struct igvm_build_input *in)
{
	static const struct test_elf_segment svsm[] = {
	    {0x100000, 0x1800, 0x1800, PF_R | PF_X, 0x10},
	    {0x102000, 0x10, 0x3000, PF_R | PF_W, 0x80},
	};
	static const struct test_elf_segment guest[] = {
	    {0x4000000, 0x100, 0x1000, PF_R | PF_X, 0x40},
	};

	memset(in, 0, sizeof(*in));
	in->svsm_elf =
	    igvm_test_make_elf(IGVM_TEST_SVSM_ENTRY, svsm, ARRAY_SIZE(svsm), &in->svsm_elf_len);
	in->guest_elf = igvm_test_make_elf(0x4000000, guest, ARRAY_SIZE(guest), &in->guest_elf_len);
	in->reset_stub = igvm_test_reset_stub(&in->reset_stub_len);
}

void igvm_test_free_input(struct igvm_build_input *in)
{
	free((void *)in->svsm_elf);
	free((void *)in->guest_elf);
	memset(in, 0, sizeof(*in));
}

uint8_t *igvm_test_build_small_file(size_t *len)
{
	struct igvm_build_input in;
	struct igvm_image img;
	struct igvm_error err = {0};
	uint8_t *out = NULL;
	enum igvm_status status;

	igvm_test_small_input(&in);
	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	status = igvm_build_svsm_image(&in, &img, &err);
	if (status == IGVM_OK) {
		status = igvm_image_serialize(&img, &out, len, &err);
	}
	if (status != IGVM_OK) {
		test_fail_at(__FILE__, __LINE__, "building the small image: %s", err.message);
	}
	igvm_image_free(&img);
	igvm_test_free_input(&in);
	return out;
}
