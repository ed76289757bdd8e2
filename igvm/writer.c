/* SPDX-License-Identifier: MIT */
/*
 * IGVM serialisation. The layout is: fixed header, variable headers (each 8-byte aligned, zero
 * padded), then the data pages in header order. The CRC-32 covers the fixed header with the
 * checksum zeroed followed by the variable headers; data is not covered.
 */
#include <stdlib.h>
#include <string.h>

#include "igvm/image.h"

static size_t fixed_header_size(uint32_t version)
{
	return version == IGVM_FORMAT_VERSION_1 ? sizeof(struct igvm_fixed_header)
						: sizeof(struct igvm_fixed_header_v2);
}

static uint64_t entry_size(const struct igvm_header *h)
{
	return sizeof(struct igvm_var_header) +
	       ALIGN_UP(igvm_body_size(h->type), IGVM_HEADER_ALIGN);
}

static bool header_carries_data(const struct igvm_header *h)
{
	return h->type == IGVM_VHT_PAGE_DATA || h->type == IGVM_VHT_VP_CONTEXT;
}

static enum igvm_status check_writable(const struct igvm_image *img, struct igvm_error *err)
{
	int section = IGVM_SECTION_PLATFORM;

	if (img->format_version != IGVM_FORMAT_VERSION_1 &&
	    img->format_version != IGVM_FORMAT_VERSION_2) {
		return igvm_fail(err, IGVM_ERR_VERSION, "cannot write format version %u",
				 img->format_version);
	}
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];
		int this_section = igvm_header_section(h->type);

		if (igvm_body_size(h->type) == 0) {
			return igvm_fail(err, IGVM_ERR_UNKNOWN_TYPE,
					 "header %zu: cannot write type 0x%x", i, h->type);
		}
		if (this_section < section) {
			return igvm_fail(err, IGVM_ERR_HEADER_ORDER,
					 "header %zu (%s) comes after a later section", i,
					 igvm_header_type_name(h->type));
		}
		section = this_section;
		if (h->type == IGVM_VHT_VP_CONTEXT && h->data == NULL) {
			return igvm_fail(err, IGVM_ERR_INVALID,
					 "header %zu: VP_CONTEXT without data", i);
		}
		if (h->data != NULL && !header_carries_data(h)) {
			return igvm_fail(err, IGVM_ERR_INVALID,
					 "header %zu: %s cannot carry a data page", i,
					 igvm_header_type_name(h->type));
		}
	}
	return IGVM_OK;
}

static void set_data_offset(uint8_t *entry_body, uint32_t type, uint32_t offset)
{
	if (type == IGVM_VHT_PAGE_DATA) {
		struct igvm_page_data *p = (struct igvm_page_data *)entry_body;

		p->file_offset = offset;
		return;
	}
	if (type == IGVM_VHT_VP_CONTEXT) {
		struct igvm_vp_context *v = (struct igvm_vp_context *)entry_body;

		v->file_offset = offset;
	}
}

static void write_fixed_header(uint8_t *buf, const struct igvm_image *img, uint32_t varhdr_size,
			       uint32_t total)
{
	struct igvm_fixed_header_v2 fh = {
	    .magic = IGVM_MAGIC,
	    .format_version = img->format_version,
	    .variable_header_offset = (uint32_t)fixed_header_size(img->format_version),
	    .variable_header_size = varhdr_size,
	    .total_file_size = total,
	    .checksum = 0,
	    .architecture = IGVM_ARCH_X64,
	    .page_size = IGVM_PAGE_SIZE,
	};

	memcpy(buf, &fh, fixed_header_size(img->format_version));
}

enum igvm_status igvm_image_serialize(const struct igvm_image *img, uint8_t **out, size_t *out_len,
				      struct igvm_error *err)
{
	size_t fixed = fixed_header_size(img->format_version);
	uint64_t varhdr_size = 0;
	uint64_t data_pages = 0;
	uint64_t total;
	uint64_t pos;
	uint64_t data_pos;
	uint8_t *buf;
	uint32_t crc;
	enum igvm_status status = check_writable(img, err);

	if (status != IGVM_OK) {
		return status;
	}
	for (size_t i = 0; i < img->count; i++) {
		varhdr_size += entry_size(&img->headers[i]);
		data_pages += img->headers[i].data != NULL ? 1 : 0;
	}
	total = fixed + varhdr_size + data_pages * IGVM_PAGE_SIZE;
	if (total > UINT32_MAX) {
		return igvm_fail(err, IGVM_ERR_INVALID, "image of %llu bytes exceeds 4 GiB",
				 (unsigned long long)total);
	}
	if (data_pages == 0) {
		return igvm_fail(err, IGVM_ERR_INVALID,
				 "no file data: IGVM readers reject an empty data section");
	}
	buf = calloc(1, total);
	if (buf == NULL) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate %llu bytes",
				 (unsigned long long)total);
	}
	pos = fixed;
	data_pos = fixed + varhdr_size;
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];
		struct igvm_var_header vh = {.type = h->type,
					     .length = (uint32_t)igvm_body_size(h->type)};

		memcpy(buf + pos, &vh, sizeof(vh));
		memcpy(buf + pos + sizeof(vh), &h->body, vh.length);
		if (header_carries_data(h)) {
			set_data_offset(buf + pos + sizeof(vh), h->type,
					h->data != NULL ? (uint32_t)data_pos : 0);
		}
		if (h->data != NULL) {
			memcpy(buf + data_pos, h->data, IGVM_PAGE_SIZE);
			data_pos += IGVM_PAGE_SIZE;
		}
		pos += entry_size(h);
	}
	write_fixed_header(buf, img, (uint32_t)varhdr_size, (uint32_t)total);
	crc = igvm_crc32(0, buf, fixed);
	crc = igvm_crc32(crc, buf + fixed, varhdr_size);
	memcpy(buf + offsetof(struct igvm_fixed_header, checksum), &crc, sizeof(crc));
	*out = buf;
	*out_len = total;
	return IGVM_OK;
}
