/* SPDX-License-Identifier: MIT */
/*
 * In-memory IGVM file for the host tooling: an ordered list of variable headers, each with its
 * 4 KiB file-data page where it has one. The writer (igvm_image_serialize) lays the data out and
 * computes offsets and the checksum; the parser (igvm_image_parse) validates every rule of the
 * format that svsm-migrate relies on and rejects the rest with a message naming the problem.
 */
#ifndef IGVM_IMAGE_H
#define IGVM_IMAGE_H

#include "igvm/igvm.h"

enum igvm_status {
	IGVM_OK = 0,
	IGVM_ERR_IO,
	IGVM_ERR_NO_MEMORY,
	IGVM_ERR_USAGE,
	IGVM_ERR_TRUNCATED,
	IGVM_ERR_MAGIC,
	IGVM_ERR_VERSION,
	IGVM_ERR_ARCH,
	IGVM_ERR_PAGE_SIZE,
	IGVM_ERR_FILE_SIZE,
	IGVM_ERR_VARHDR_RANGE,
	IGVM_ERR_CHECKSUM,
	IGVM_ERR_ALIGNMENT,
	IGVM_ERR_PADDING,
	IGVM_ERR_HEADER_LENGTH,
	IGVM_ERR_UNKNOWN_TYPE,
	IGVM_ERR_HEADER_ORDER,
	IGVM_ERR_RESERVED,
	IGVM_ERR_FILE_OFFSET,
	IGVM_ERR_OVERLAP,
	IGVM_ERR_INVALID,
	IGVM_ERR_UNSUPPORTED,
	IGVM_ERR_ELF,
	IGVM_ERR_LAYOUT,
	IGVM_ERR_CRYPTO,
};

#define IGVM_ERROR_MESSAGE_MAX 256

struct igvm_error {
	enum igvm_status status;
	char message[IGVM_ERROR_MESSAGE_MAX];
};

const char *igvm_status_str(enum igvm_status status);
/* Records status and a formatted message in err (which may be NULL) and returns status. */
enum igvm_status igvm_fail(struct igvm_error *err, enum igvm_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One variable header. data is a 4 KiB page owned by the image (PAGE_DATA with a non-zero file
 * offset, VP_CONTEXT), NULL otherwise. file_offset fields in the body are recomputed by the
 * writer; the parser keeps them as read. */
struct igvm_header {
	uint32_t type;
	uint32_t file_pos; /* where the parser found the entry; 0 for headers built in memory */
	union {
		struct igvm_supported_platform platform;
		struct igvm_guest_policy policy;
		struct igvm_page_data page;
		struct igvm_parameter_area area;
		struct igvm_parameter_insert insert;
		struct igvm_parameter param;
		struct igvm_vp_context vp;
		struct igvm_required_memory required;
	} body;
	uint8_t *data;
};

struct igvm_image {
	uint32_t format_version;
	/* Fixed-header values as read by the parser (the writer derives its own). */
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
	size_t count;
	size_t capacity;
	struct igvm_header *headers;
};

void igvm_image_init(struct igvm_image *img, uint32_t format_version);
void igvm_image_free(struct igvm_image *img);

/* Appends a header; data (4 KiB, or NULL) is copied. */
enum igvm_status igvm_image_append(struct igvm_image *img, uint32_t type, const void *body,
				   size_t body_len, const void *data, struct igvm_error *err);

/* Convenience appenders for the headers svsm-migrate writes. */
enum igvm_status igvm_add_platform(struct igvm_image *img, uint32_t mask, uint8_t platform_type,
				   struct igvm_error *err);
enum igvm_status igvm_add_policy(struct igvm_image *img, uint64_t policy, uint32_t mask,
				 struct igvm_error *err);
/* page NULL: a page of zeros (file_offset 0). */
enum igvm_status igvm_add_page(struct igvm_image *img, gpa_t gpa, uint32_t mask, uint32_t flags,
			       uint16_t data_type, const void *page, struct igvm_error *err);
enum igvm_status igvm_add_param_area(struct igvm_image *img, uint32_t index, uint64_t bytes,
				     struct igvm_error *err);
enum igvm_status igvm_add_param(struct igvm_image *img, uint32_t type, uint32_t index,
				uint32_t byte_offset, struct igvm_error *err);
enum igvm_status igvm_add_param_insert(struct igvm_image *img, gpa_t gpa, uint32_t mask,
				       uint32_t index, struct igvm_error *err);
enum igvm_status igvm_add_vp_context(struct igvm_image *img, gpa_t gpa, uint32_t mask,
				     uint16_t vp_index, const void *context_page,
				     struct igvm_error *err);

/* Serialises img (which must already be in platform, init, directive order) into a malloc'ed
 * buffer: fixed header, variable headers (8-byte aligned, zero padded), then one 4 KiB data page
 * per header that has data, in header order. */
enum igvm_status igvm_image_serialize(const struct igvm_image *img, uint8_t **out, size_t *out_len,
				      struct igvm_error *err);

/* Parses and validates buf into img (initialised here; free it with igvm_image_free even on
 * failure). */
enum igvm_status igvm_image_parse(const uint8_t *buf, size_t len, struct igvm_image *img,
				  struct igvm_error *err);

/* CRC-32 (IEEE 802.3 / zlib), continuing from crc (start with 0). */
uint32_t igvm_crc32(uint32_t crc, const void *buf, size_t len);

/* Names for dumps and messages. */
const char *igvm_header_type_name(uint32_t type);
const char *igvm_platform_name(uint8_t platform_type);

/* The compatibility mask of the first SUPPORTED_PLATFORM of the given type, or 0. */
uint32_t igvm_platform_mask(const struct igvm_image *img, uint8_t platform_type);

/* Body size of the header types svsm-migrate understands; 0 for any other type. */
size_t igvm_body_size(uint32_t type);

/* Section of a header type; sections must appear in this order. */
enum igvm_section {
	IGVM_SECTION_NONE = -1,
	IGVM_SECTION_PLATFORM = 0,
	IGVM_SECTION_INIT = 1,
	IGVM_SECTION_DIRECTIVE = 2,
};
int igvm_header_section(uint32_t type);

/* Mask of the header, or 0 for headers that apply to every platform (parameters, areas). */
uint32_t igvm_header_mask(const struct igvm_header *h);

/* Reads a whole file (at most max_len bytes) into a malloc'ed buffer. */
enum igvm_status igvm_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len,
				struct igvm_error *err);
/* Writes buf to path through a temporary file and rename, so a failure leaves no partial file. */
enum igvm_status igvm_write_file(const char *path, const void *buf, size_t len,
				 struct igvm_error *err);

#endif
