/* SPDX-License-Identifier: MIT */
#include "vm_image.h"

#include <stdlib.h>
#include <string.h>

#include "svsm/layout.h"

#include "igvm/measure.h"

/* svsm-migrate images are a few MiB; this bounds what a wrong path can make us read. */
#define IMAGE_MAX_BYTES (256ULL << 20)

/* The SEV_SNP platform's view of the policy page, as the measurement covers it. */
static enum igvm_status find_policy(const struct igvm_image *img, uint8_t page[PAGE_SIZE],
				    struct igvm_error *err)
{
	uint32_t snp_mask = igvm_platform_mask(img, IGVM_PLATFORM_SEV_SNP);

	if (snp_mask == 0) {
		return igvm_fail(err, IGVM_ERR_INVALID, "the image has no SEV_SNP platform");
	}
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];

		if (h->type != IGVM_VHT_PAGE_DATA || h->body.page.gpa != LAYOUT_POLICY_GPA ||
		    (h->body.page.compatibility_mask & snp_mask) == 0) {
			continue;
		}
		memset(page, 0, PAGE_SIZE);
		if (h->data != NULL) {
			memcpy(page, h->data, PAGE_SIZE);
		}
		return IGVM_OK;
	}
	return igvm_fail(err, IGVM_ERR_LAYOUT, "the image has no policy page at %#llx",
			 (unsigned long long)LAYOUT_POLICY_GPA);
}

enum igvm_status vm_image_load(const char *path, struct vm_image *out, struct igvm_error *err)
{
	struct igvm_image img;
	uint8_t *buf = NULL;
	size_t len = 0;
	enum igvm_status s = igvm_read_file(path, IMAGE_MAX_BYTES, &buf, &len, err);

	if (s != IGVM_OK) {
		return s;
	}
	s = igvm_image_parse(buf, len, &img, err);
	if (s == IGVM_OK) {
		s = igvm_snp_launch_digest(&img, out->measurement, err);
	}
	if (s == IGVM_OK) {
		s = find_policy(&img, out->policy, err);
	}
	igvm_image_free(&img);
	free(buf);
	return s;
}
