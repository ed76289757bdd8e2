/* SPDX-License-Identifier: MIT */
/* What the hosted VM takes from its IGVM image: the launch digest and the migration policy. */
#ifndef HOSTED_VM_IMAGE_H
#define HOSTED_VM_IMAGE_H

#include <stdbool.h>

#include "svsm/types.h"

#include "hosted.h"
#include "igvm/image.h"

struct vm_image {
	/* SEV-SNP launch digest of the image: what the emulated PSP reports as MEASUREMENT. */
	uint8_t measurement[HOSTED_MEASUREMENT_LEN];
	/* The measured page at LAYOUT_POLICY_GPA (zeros when the image has none). */
	uint8_t policy[PAGE_SIZE];
};

/* Reads, parses and measures the image at path; err says why on failure. */
enum igvm_status vm_image_load(const char *path, struct vm_image *out, struct igvm_error *err);

#endif
