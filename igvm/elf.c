/* SPDX-License-Identifier: MIT */
/* Reading the loadable segments of the SVSM and guest ELF executables. */
#include <elf.h>
#include <string.h>

#include "igvm/builder.h"

static enum igvm_status check_ehdr(const Elf64_Ehdr *eh, size_t len, const char *what,
				   struct igvm_error *err)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		return igvm_fail(err, IGVM_ERR_ELF, "%s: not an ELF file", what);
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT) {
		return igvm_fail(err, IGVM_ERR_ELF, "%s: not a little-endian ELF64 file", what);
	}
	if (eh->e_machine != EM_X86_64) {
		return igvm_fail(err, IGVM_ERR_ELF, "%s: machine %u is not x86-64", what,
				 eh->e_machine);
	}
	if (eh->e_type != ET_EXEC) {
		return igvm_fail(err, IGVM_ERR_ELF,
				 "%s: ELF type %u is not an executable (ET_EXEC)", what,
				 eh->e_type);
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum) {
		return igvm_fail(err, IGVM_ERR_ELF,
				 "%s: program header table is missing or truncated", what);
	}
	return IGVM_OK;
}

static enum igvm_status check_segment(const Elf64_Phdr *ph, size_t len, const char *what,
				      unsigned index, struct igvm_error *err)
{
	if (ph->p_filesz > ph->p_memsz) {
		return igvm_fail(err, IGVM_ERR_ELF,
				 "%s: segment %u has filesz 0x%llx > memsz 0x%llx", what, index,
				 (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	}
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset) {
		return igvm_fail(
		    err, IGVM_ERR_ELF,
		    "%s: segment %u data [0x%llx, +0x%llx) lies outside the %zu-byte file", what,
		    index, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz, len);
	}
	if (ph->p_paddr + ph->p_memsz < ph->p_paddr) {
		return igvm_fail(err, IGVM_ERR_ELF, "%s: segment %u wraps around the address space",
				 what, index);
	}
	return IGVM_OK;
}

enum igvm_status elf_read(const uint8_t *buf, size_t len, const char *what, struct elf_info *info,
			  struct igvm_error *err)
{
	Elf64_Ehdr eh;
	enum igvm_status status;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(eh)) {
		return igvm_fail(err, IGVM_ERR_ELF, "%s: %zu bytes is too short for an ELF header",
				 what, len);
	}
	memcpy(&eh, buf, sizeof(eh));
	status = check_ehdr(&eh, len, what, err);
	if (status != IGVM_OK) {
		return status;
	}
	info->entry = eh.e_entry;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, buf + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
			continue;
		}
		status = check_segment(&ph, len, what, i, err);
		if (status != IGVM_OK) {
			return status;
		}
		if (info->segment_count == ELF_MAX_SEGMENTS) {
			return igvm_fail(err, IGVM_ERR_ELF, "%s: more than %u PT_LOAD segments",
					 what, ELF_MAX_SEGMENTS);
		}
		info->segments[info->segment_count++] = (struct elf_segment){
		    .paddr = ph.p_paddr,
		    .vaddr = ph.p_vaddr,
		    .memsz = ph.p_memsz,
		    .filesz = ph.p_filesz,
		    .offset = ph.p_offset,
		    .flags = ph.p_flags,
		};
	}
	if (info->segment_count == 0) {
		return igvm_fail(err, IGVM_ERR_ELF, "%s: no loadable segment", what);
	}
	return IGVM_OK;
}
