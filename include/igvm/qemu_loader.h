/* SPDX-License-Identifier: MIT */
/*
 * Loading the NATIVE platform of an IGVM file into Debian's QEMU 7.2, which has no IGVM loader:
 * the pages in the top 64 KiB below 4 GiB become the -bios image (QEMU maps it there, replacing
 * SeaBIOS), every other run of contiguous pages a `-device loader` blob. Parameter areas are
 * filled as QEMU's IGVM loader would for `-machine q35 -m SIZE -smp N`.
 */
#ifndef IGVM_QEMU_LOADER_H
#define IGVM_QEMU_LOADER_H

#include "igvm/image.h"

#define QEMU_BIOS_SIZE	       0x10000ULL
#define QEMU_BIOS_BASE	       (0x100000000ULL - QEMU_BIOS_SIZE)
#define QEMU_MAX_MEMORY	       (2ULL << 30) /* above this q35 splits RAM around the PCI hole */
#define QEMU_LEGACY_HOLE_START 0xA0000ULL
#define QEMU_LEGACY_HOLE_END   0x100000ULL

struct qemu_blob {
	uint64_t gpa;
	size_t len;
	uint8_t *data;
};

struct qemu_plan {
	uint64_t memory_bytes;
	unsigned vcpus;
	uint8_t *bios; /* QEMU_BIOS_SIZE bytes for [QEMU_BIOS_BASE, 4 GiB) */
	size_t blob_count;
	struct qemu_blob *blobs; /* sorted by GPA, maximal runs of contiguous pages */
};

/* QEMU's -m syntax: a number of MiB, or a number with suffix K, M or G. */
enum igvm_status qemu_parse_memory_size(const char *text, uint64_t *bytes, struct igvm_error *err);

/* Plans the load of img's NATIVE platform, plus the emulated PSP's launch-digest page. */
enum igvm_status qemu_plan_native(const struct igvm_image *img, uint64_t memory_bytes,
				  unsigned vcpus, struct qemu_plan *plan, struct igvm_error *err);
void qemu_plan_free(struct qemu_plan *plan);

/* Writes reset.bin and one ram-<gpa>.bin per blob into outdir (created if missing) and returns
 * the QEMU arguments as one malloc'ed, space-separated line. */
enum igvm_status qemu_plan_write(const struct qemu_plan *plan, const char *outdir, char **args,
				 struct igvm_error *err);

#endif
