/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP launch digest. Variant: "QEMU+KVM reality" (reference notes §3.6), because that is the
 * loader our SEV_SNP images meet and the digest must match the report it produces:
 *   - a page without data (file_offset 0) is a NORMAL page of zeros (QEMU turns its CGS ZERO type
 *     into KVM NORMAL), never the firmware ZERO type;
 *   - the `shared` flag is ignored (measured like any other page), as QEMU does;
 *   - PARAMETER_INSERT measures one UNMEASURED PAGE_INFO per 4 KiB of the area;
 *   - SECRETS and CPUID pages use their firmware types with zero contents;
 *   - directives are measured in file order and the VMSA as type VMSA at its header GPA, which must
 *     be KVM's 0xFFFFFFFFF000. KVM measures VMSAs after every page, so a page after a VMSA would
 *     make the digest differ from the hardware's: that is rejected.
 * KVM also measures one VMSA per additional vCPU, built from its own reset state; those are not in
 * the file and not modelled here (the digest is for one vCPU, as igvmmeasure computes it).
 */
#include "igvm/measure.h"

#include <mbedtls/sha512.h>
#include <string.h>

static enum igvm_status sha384(const void *data, size_t len, uint8_t out[SNP_DIGEST_SIZE],
			       struct igvm_error *err)
{
	uint8_t full[64];

	if (mbedtls_sha512(data, len, full, 1) != 0) {
		return igvm_fail(err, IGVM_ERR_CRYPTO, "SHA-384 failed");
	}
	memcpy(out, full, SNP_DIGEST_SIZE);
	return IGVM_OK;
}

enum igvm_status snp_extend_digest(uint8_t digest[SNP_DIGEST_SIZE], uint8_t page_type, uint64_t gpa,
				   const uint8_t contents[SNP_DIGEST_SIZE], struct igvm_error *err)
{
	struct snp_page_info info;

	memset(&info, 0, sizeof(info));
	memcpy(info.digest_cur, digest, SNP_DIGEST_SIZE);
	if (contents != NULL) {
		memcpy(info.contents, contents, SNP_DIGEST_SIZE);
	}
	info.length = sizeof(info);
	info.page_type = page_type;
	info.gpa = gpa;
	return sha384(&info, sizeof(info), digest, err);
}

static enum igvm_status extend_with_page(uint8_t digest[SNP_DIGEST_SIZE], uint8_t page_type,
					 uint64_t gpa, const uint8_t *page, struct igvm_error *err)
{
	static const uint8_t zero_page[IGVM_PAGE_SIZE];
	uint8_t contents[SNP_DIGEST_SIZE];
	enum igvm_status status =
	    sha384(page != NULL ? page : zero_page, IGVM_PAGE_SIZE, contents, err);

	if (status != IGVM_OK) {
		return status;
	}
	return snp_extend_digest(digest, page_type, gpa, contents, err);
}

static uint8_t page_type_of(const struct igvm_page_data *p)
{
	switch (p->data_type) {
	case IGVM_PAGE_DATA_SECRETS:
		return SNP_PAGE_TYPE_SECRETS;
	case IGVM_PAGE_DATA_CPUID_DATA:
	case IGVM_PAGE_DATA_CPUID_XF:
		return SNP_PAGE_TYPE_CPUID;
	default:
		return (p->flags & IGVM_PAGE_FLAG_UNMEASURED) != 0 ? SNP_PAGE_TYPE_UNMEASURED
								   : SNP_PAGE_TYPE_NORMAL;
	}
}

static enum igvm_status measure_page(uint8_t digest[SNP_DIGEST_SIZE], const struct igvm_header *h,
				     struct igvm_error *err)
{
	const struct igvm_page_data *p = &h->body.page;
	uint8_t type = page_type_of(p);

	if (type == SNP_PAGE_TYPE_NORMAL) {
		return extend_with_page(digest, type, p->gpa, h->data, err);
	}
	return snp_extend_digest(digest, type, p->gpa, NULL, err);
}

static uint64_t area_bytes(const struct igvm_image *img, uint32_t index)
{
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];

		if (h->type == IGVM_VHT_PARAMETER_AREA &&
		    h->body.area.parameter_area_index == index) {
			return h->body.area.number_of_bytes;
		}
	}
	return 0;
}

static enum igvm_status measure_insert(uint8_t digest[SNP_DIGEST_SIZE],
				       const struct igvm_image *img, const struct igvm_header *h,
				       struct igvm_error *err)
{
	uint64_t bytes = area_bytes(img, h->body.insert.parameter_area_index);

	if (bytes == 0) {
		return igvm_fail(err, IGVM_ERR_INVALID, "PARAMETER_INSERT of undeclared area %u",
				 h->body.insert.parameter_area_index);
	}
	for (uint64_t off = 0; off < bytes; off += IGVM_PAGE_SIZE) {
		enum igvm_status status = snp_extend_digest(digest, SNP_PAGE_TYPE_UNMEASURED,
							    h->body.insert.gpa + off, NULL, err);

		if (status != IGVM_OK) {
			return status;
		}
	}
	return IGVM_OK;
}

static enum igvm_status measure_vmsa(uint8_t digest[SNP_DIGEST_SIZE], const struct igvm_header *h,
				     struct igvm_error *err)
{
	if (h->body.vp.gpa != SNP_VMSA_RMP_GPA) {
		return igvm_fail(err, IGVM_ERR_UNSUPPORTED,
				 "VMSA at GPA 0x%llx: KVM places every VMSA at 0x%llx",
				 (unsigned long long)h->body.vp.gpa, SNP_VMSA_RMP_GPA);
	}
	return extend_with_page(digest, SNP_PAGE_TYPE_VMSA, h->body.vp.gpa, h->data, err);
}

static enum igvm_status measure_directive(uint8_t digest[SNP_DIGEST_SIZE],
					  const struct igvm_image *img, const struct igvm_header *h,
					  bool *seen_vmsa, struct igvm_error *err)
{
	bool is_page = h->type == IGVM_VHT_PAGE_DATA || h->type == IGVM_VHT_PARAMETER_INSERT;

	if (is_page && *seen_vmsa) {
		return igvm_fail(err, IGVM_ERR_UNSUPPORTED,
				 "%s after the VMSA: KVM measures VMSAs after all pages",
				 igvm_header_type_name(h->type));
	}
	switch (h->type) {
	case IGVM_VHT_PAGE_DATA:
		return measure_page(digest, h, err);
	case IGVM_VHT_PARAMETER_INSERT:
		return measure_insert(digest, img, h, err);
	case IGVM_VHT_VP_CONTEXT:
		*seen_vmsa = true;
		return measure_vmsa(digest, h, err);
	default:
		return IGVM_OK;
	}
}

enum igvm_status igvm_snp_launch_digest(const struct igvm_image *img,
					uint8_t digest[SNP_DIGEST_SIZE], struct igvm_error *err)
{
	uint32_t snp_mask = igvm_platform_mask(img, IGVM_PLATFORM_SEV_SNP);
	bool seen_vmsa = false;

	memset(digest, 0, SNP_DIGEST_SIZE);
	if (snp_mask == 0) {
		return igvm_fail(err, IGVM_ERR_INVALID, "the file declares no SEV_SNP platform");
	}
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];
		enum igvm_status status;

		if ((igvm_header_mask(h) & snp_mask) == 0) {
			continue;
		}
		status = measure_directive(digest, img, h, &seen_vmsa, err);
		if (status != IGVM_OK) {
			return status;
		}
	}
	return IGVM_OK;
}
