/* SPDX-License-Identifier: MIT */
/*
 * IGVM parsing and validation. Files come from the untrusted side of the build (anyone can hand
 * the tool a file), so every field is checked before use: framing, checksum, section order,
 * exact body lengths, zero reserved fields and padding, file offsets inside the data section,
 * compatibility masks that name declared platforms, parameter-area lifecycles and that no two
 * pages of one platform land on the same GPA.
 */
#include <stdlib.h>
#include <string.h>

#include "igvm/image.h"

#define MAX_PARAM_AREAS	     64U
#define MAX_PARAM_AREA_BYTES (64ULL << 20)

struct area_state {
	uint32_t index;
	uint64_t bytes;
	bool inserted;
};

struct page_claim {
	uint64_t gpa;
	uint32_t mask;
	uint32_t file_pos;
};

struct parse_ctx {
	const uint8_t *buf;
	size_t len;
	uint64_t data_start;
	uint32_t declared_masks;
	uint32_t platform_types_seen;
	int section;
	size_t area_count;
	struct area_state areas[MAX_PARAM_AREAS];
	size_t claim_count;
	size_t claim_capacity;
	struct page_claim *claims;
	struct igvm_image *img;
	struct igvm_error *err;
	uint32_t pos; /* file offset of the entry being validated, for messages */
};

static enum igvm_status parse_fixed_header(struct parse_ctx *c, size_t *fixed_size)
{
	struct igvm_fixed_header_v2 fh = {0};

	if (c->len < sizeof(struct igvm_fixed_header)) {
		return igvm_fail(c->err, IGVM_ERR_TRUNCATED,
				 "file is %zu bytes, shorter than the 24-byte fixed header",
				 c->len);
	}
	memcpy(&fh, c->buf, sizeof(struct igvm_fixed_header));
	if (fh.magic != IGVM_MAGIC) {
		return igvm_fail(c->err, IGVM_ERR_MAGIC,
				 "bad magic 0x%08x (expected 0x%08x \"IGVM\")", fh.magic,
				 IGVM_MAGIC);
	}
	if (fh.format_version != IGVM_FORMAT_VERSION_1 &&
	    fh.format_version != IGVM_FORMAT_VERSION_2) {
		return igvm_fail(c->err, IGVM_ERR_VERSION,
				 "format version %u is not supported (only 1 and 2)",
				 fh.format_version);
	}
	*fixed_size = sizeof(struct igvm_fixed_header);
	if (fh.format_version == IGVM_FORMAT_VERSION_2) {
		if (c->len < sizeof(fh)) {
			return igvm_fail(c->err, IGVM_ERR_TRUNCATED,
					 "file is %zu bytes, shorter than the 32-byte v2 header",
					 c->len);
		}
		memcpy(&fh, c->buf, sizeof(fh));
		if (fh.architecture != IGVM_ARCH_X64) {
			return igvm_fail(c->err, IGVM_ERR_ARCH,
					 "architecture %u is not supported (only 0, x64)",
					 fh.architecture);
		}
		if (fh.page_size != IGVM_PAGE_SIZE) {
			return igvm_fail(c->err, IGVM_ERR_PAGE_SIZE,
					 "page size %u is not supported (only 4096)", fh.page_size);
		}
		*fixed_size = sizeof(fh);
	}
	c->img->format_version = fh.format_version;
	c->img->variable_header_offset = fh.variable_header_offset;
	c->img->variable_header_size = fh.variable_header_size;
	c->img->total_file_size = fh.total_file_size;
	c->img->checksum = fh.checksum;
	return IGVM_OK;
}

static enum igvm_status check_framing(struct parse_ctx *c, size_t fixed_size)
{
	const struct igvm_image *img = c->img;
	uint64_t varhdr_end = (uint64_t)img->variable_header_offset + img->variable_header_size;

	if (img->total_file_size > c->len) {
		return igvm_fail(c->err, IGVM_ERR_TRUNCATED,
				 "file is %zu bytes but total_file_size says %u: truncated", c->len,
				 img->total_file_size);
	}
	if (img->total_file_size != c->len) {
		return igvm_fail(c->err, IGVM_ERR_FILE_SIZE,
				 "total_file_size %u does not match the file size %zu",
				 img->total_file_size, c->len);
	}
	if (img->variable_header_offset < fixed_size) {
		return igvm_fail(c->err, IGVM_ERR_VARHDR_RANGE,
				 "variable_header_offset %u overlaps the %zu-byte fixed header",
				 img->variable_header_offset, fixed_size);
	}
	if (!IS_ALIGNED(img->variable_header_offset, IGVM_HEADER_ALIGN)) {
		return igvm_fail(c->err, IGVM_ERR_ALIGNMENT,
				 "variable_header_offset %u is not 8-byte aligned",
				 img->variable_header_offset);
	}
	if (varhdr_end >= c->len) {
		return igvm_fail(
		    c->err, IGVM_ERR_VARHDR_RANGE,
		    "variable header [%u, %llu) leaves no file data in a %zu-byte file",
		    img->variable_header_offset, (unsigned long long)varhdr_end, c->len);
	}
	c->data_start = varhdr_end;
	return IGVM_OK;
}

static enum igvm_status check_checksum(struct parse_ctx *c, size_t fixed_size)
{
	uint8_t fixed[sizeof(struct igvm_fixed_header_v2)];
	uint32_t crc;

	memcpy(fixed, c->buf, fixed_size);
	memset(fixed + offsetof(struct igvm_fixed_header, checksum), 0, sizeof(uint32_t));
	crc = igvm_crc32(0, fixed, fixed_size);
	crc =
	    igvm_crc32(crc, c->buf + c->img->variable_header_offset, c->img->variable_header_size);
	if (crc != c->img->checksum) {
		return igvm_fail(c->err, IGVM_ERR_CHECKSUM,
				 "checksum 0x%08x does not match the computed CRC-32 0x%08x",
				 c->img->checksum, crc);
	}
	return IGVM_OK;
}

static enum igvm_status claim_page(struct parse_ctx *c, uint64_t gpa, uint32_t mask)
{
	if (c->claim_count == c->claim_capacity) {
		size_t capacity = c->claim_capacity == 0 ? 256 : c->claim_capacity * 2;
		struct page_claim *grown = realloc(c->claims, capacity * sizeof(*grown));

		if (grown == NULL) {
			return igvm_fail(c->err, IGVM_ERR_NO_MEMORY, "cannot track %zu pages",
					 capacity);
		}
		c->claims = grown;
		c->claim_capacity = capacity;
	}
	c->claims[c->claim_count++] = (struct page_claim){gpa, mask, c->pos};
	return IGVM_OK;
}

static int compare_claims(const void *a, const void *b)
{
	const struct page_claim *x = a;
	const struct page_claim *y = b;

	if (x->gpa != y->gpa) {
		return x->gpa < y->gpa ? -1 : 1;
	}
	return x->file_pos < y->file_pos ? -1 : (x->file_pos > y->file_pos ? 1 : 0);
}

/* Pages sharing a GPA are fine only if no platform loads both of them. */
static enum igvm_status check_overlaps(struct parse_ctx *c)
{
	if (c->claim_count == 0) {
		return IGVM_OK;
	}
	qsort(c->claims, c->claim_count, sizeof(*c->claims), compare_claims);
	for (size_t i = 0; i < c->claim_count; i++) {
		for (size_t j = i + 1; j < c->claim_count && c->claims[j].gpa == c->claims[i].gpa;
		     j++) {
			if ((c->claims[i].mask & c->claims[j].mask) != 0) {
				return igvm_fail(
				    c->err, IGVM_ERR_OVERLAP,
				    "GPA 0x%llx is loaded twice for mask 0x%x (headers "
				    "at file offsets 0x%x and 0x%x)",
				    (unsigned long long)c->claims[i].gpa,
				    c->claims[i].mask & c->claims[j].mask, c->claims[i].file_pos,
				    c->claims[j].file_pos);
			}
		}
	}
	return IGVM_OK;
}

static enum igvm_status check_mask(struct parse_ctx *c, const char *what, uint32_t mask)
{
	if (mask == 0) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "%s at file offset 0x%x: compatibility mask is 0", what, c->pos);
	}
	if ((mask & ~c->declared_masks) != 0) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "%s at file offset 0x%x: compatibility mask 0x%x names no declared "
		    "platform (declared 0x%x)",
		    what, c->pos, mask, c->declared_masks);
	}
	return IGVM_OK;
}

static enum igvm_status check_gpa_aligned(struct parse_ctx *c, const char *what, uint64_t gpa)
{
	if (!IS_ALIGNED(gpa, IGVM_PAGE_SIZE)) {
		return igvm_fail(c->err, IGVM_ERR_ALIGNMENT,
				 "%s at file offset 0x%x: GPA 0x%llx is not page aligned", what,
				 c->pos, (unsigned long long)gpa);
	}
	return IGVM_OK;
}

static enum igvm_status check_data_range(struct parse_ctx *c, const char *what, uint32_t offset,
					 uint64_t bytes)
{
	if (offset < c->data_start || (uint64_t)offset + bytes > c->len) {
		return igvm_fail(c->err, IGVM_ERR_FILE_OFFSET,
				 "%s at file offset 0x%x: data [0x%x, +0x%llx) is outside the data "
				 "section [0x%llx, 0x%zx)",
				 what, c->pos, offset, (unsigned long long)bytes,
				 (unsigned long long)c->data_start, c->len);
	}
	return IGVM_OK;
}

static enum igvm_status validate_platform(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_supported_platform *p = &h->body.platform;
	uint32_t type_bit;

	if (__builtin_popcount(p->compatibility_mask) != 1) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "SUPPORTED_PLATFORM at file offset 0x%x: mask 0x%x must have exactly "
		    "one bit set",
		    c->pos, p->compatibility_mask);
	}
	if (p->platform_type > IGVM_PLATFORM_CCA) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "SUPPORTED_PLATFORM at file offset 0x%x: unknown platform type %u",
				 c->pos, p->platform_type);
	}
	if (p->highest_vtl != 0 && p->highest_vtl != 2) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "SUPPORTED_PLATFORM at file offset 0x%x: highest_vtl %u (only 0 or 2)", c->pos,
		    p->highest_vtl);
	}
	if (p->platform_version != IGVM_PLATFORM_VERSION) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "SUPPORTED_PLATFORM at file offset 0x%x: platform version %u (only 1)", c->pos,
		    p->platform_version);
	}
	type_bit = 1U << p->platform_type;
	if ((c->platform_types_seen & type_bit) != 0 ||
	    (c->declared_masks & p->compatibility_mask) != 0) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "SUPPORTED_PLATFORM at file offset 0x%x: platform %s or mask 0x%x "
				 "declared twice",
				 c->pos, igvm_platform_name(p->platform_type),
				 p->compatibility_mask);
	}
	if ((p->platform_type == IGVM_PLATFORM_NATIVE ||
	     p->platform_type == IGVM_PLATFORM_VSM_ISOLATION) &&
	    p->shared_gpa_boundary != 0) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "SUPPORTED_PLATFORM at file offset 0x%x: %s needs shared_gpa_boundary "
		    "0, not 0x%llx",
		    c->pos, igvm_platform_name(p->platform_type),
		    (unsigned long long)p->shared_gpa_boundary);
	}
	c->platform_types_seen |= type_bit;
	c->declared_masks |= p->compatibility_mask;
	return IGVM_OK;
}

static enum igvm_status validate_policy(struct parse_ctx *c, struct igvm_header *h)
{
	if (h->body.policy.reserved != 0) {
		return igvm_fail(c->err, IGVM_ERR_RESERVED,
				 "GUEST_POLICY at file offset 0x%x: reserved is 0x%x", c->pos,
				 h->body.policy.reserved);
	}
	return check_mask(c, "GUEST_POLICY", h->body.policy.compatibility_mask);
}

static enum igvm_status copy_data_page(struct parse_ctx *c, struct igvm_header *h, uint32_t offset)
{
	h->data = malloc(IGVM_PAGE_SIZE);
	if (h->data == NULL) {
		return igvm_fail(c->err, IGVM_ERR_NO_MEMORY, "cannot allocate a data page");
	}
	memcpy(h->data, c->buf + offset, IGVM_PAGE_SIZE);
	return IGVM_OK;
}

static enum igvm_status validate_page(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_page_data *p = &h->body.page;
	enum igvm_status status;

	if (p->reserved != 0 || (p->flags & ~IGVM_PAGE_FLAGS_KNOWN) != 0) {
		return igvm_fail(c->err, IGVM_ERR_RESERVED,
				 "PAGE_DATA at file offset 0x%x: reserved 0x%x, flags 0x%x", c->pos,
				 p->reserved, p->flags);
	}
	if ((p->flags & IGVM_PAGE_FLAG_2MB) != 0) {
		return igvm_fail(c->err, IGVM_ERR_UNSUPPORTED,
				 "PAGE_DATA at file offset 0x%x: 2 MiB pages are not supported",
				 c->pos);
	}
	if (p->data_type > IGVM_PAGE_DATA_CPUID_XF) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "PAGE_DATA at file offset 0x%x: unknown data type %u", c->pos,
				 p->data_type);
	}
	status = check_mask(c, "PAGE_DATA", p->compatibility_mask);
	if (status == IGVM_OK) {
		status = check_gpa_aligned(c, "PAGE_DATA", p->gpa);
	}
	if (status == IGVM_OK && p->file_offset != 0) {
		status = check_data_range(c, "PAGE_DATA", p->file_offset, IGVM_PAGE_SIZE);
		if (status == IGVM_OK) {
			status = copy_data_page(c, h, p->file_offset);
		}
	}
	if (status != IGVM_OK) {
		return status;
	}
	return claim_page(c, p->gpa, p->compatibility_mask);
}

static struct area_state *find_area(struct parse_ctx *c, uint32_t index)
{
	for (size_t i = 0; i < c->area_count; i++) {
		if (c->areas[i].index == index) {
			return &c->areas[i];
		}
	}
	return NULL;
}

static enum igvm_status validate_area(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_parameter_area *a = &h->body.area;

	if (find_area(c, a->parameter_area_index) != NULL) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "PARAMETER_AREA at file offset 0x%x: index %u declared twice",
				 c->pos, a->parameter_area_index);
	}
	if (c->area_count == MAX_PARAM_AREAS) {
		return igvm_fail(c->err, IGVM_ERR_UNSUPPORTED, "more than %u parameter areas",
				 MAX_PARAM_AREAS);
	}
	if (a->number_of_bytes == 0 || !IS_ALIGNED(a->number_of_bytes, IGVM_PAGE_SIZE) ||
	    a->number_of_bytes > MAX_PARAM_AREA_BYTES) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "PARAMETER_AREA at file offset 0x%x: size 0x%llx must be a non-zero "
		    "page multiple of at most 64 MiB",
		    c->pos, (unsigned long long)a->number_of_bytes);
	}
	if (a->file_offset != 0) {
		enum igvm_status status =
		    check_data_range(c, "PARAMETER_AREA", a->file_offset, a->number_of_bytes);

		if (status != IGVM_OK) {
			return status;
		}
	}
	c->areas[c->area_count++] =
	    (struct area_state){a->parameter_area_index, a->number_of_bytes, false};
	return IGVM_OK;
}

static uint32_t parameter_min_bytes(uint32_t type)
{
	return type == IGVM_VHT_MEMORY_MAP ? sizeof(struct igvm_memory_map_entry)
					   : sizeof(uint32_t);
}

static enum igvm_status validate_parameter(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_parameter *p = &h->body.param;
	const char *name = igvm_header_type_name(h->type);
	struct area_state *area = find_area(c, p->parameter_area_index);

	if (area == NULL || area->inserted) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "%s at file offset 0x%x: parameter area %u is %s", name, c->pos,
				 p->parameter_area_index,
				 area == NULL ? "not declared" : "already inserted");
	}
	if ((uint64_t)p->byte_offset + parameter_min_bytes(h->type) > area->bytes) {
		return igvm_fail(
		    c->err, IGVM_ERR_INVALID,
		    "%s at file offset 0x%x: byte offset %u does not fit area %u of %llu "
		    "bytes",
		    name, c->pos, p->byte_offset, p->parameter_area_index,
		    (unsigned long long)area->bytes);
	}
	return IGVM_OK;
}

static enum igvm_status validate_insert(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_parameter_insert *p = &h->body.insert;
	struct area_state *area = find_area(c, p->parameter_area_index);
	enum igvm_status status = check_mask(c, "PARAMETER_INSERT", p->compatibility_mask);

	if (status == IGVM_OK) {
		status = check_gpa_aligned(c, "PARAMETER_INSERT", p->gpa);
	}
	if (status != IGVM_OK) {
		return status;
	}
	if (area == NULL || area->inserted) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "PARAMETER_INSERT at file offset 0x%x: parameter area %u is %s",
				 c->pos, p->parameter_area_index,
				 area == NULL ? "not declared" : "already inserted");
	}
	area->inserted = true;
	for (uint64_t off = 0; off < area->bytes; off += IGVM_PAGE_SIZE) {
		status = claim_page(c, p->gpa + off, p->compatibility_mask);
		if (status != IGVM_OK) {
			return status;
		}
	}
	return IGVM_OK;
}

static uint8_t platform_of_mask(const struct igvm_image *img, uint32_t mask, bool *found)
{
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];

		if (h->type == IGVM_VHT_SUPPORTED_PLATFORM &&
		    h->body.platform.compatibility_mask == mask) {
			*found = true;
			return h->body.platform.platform_type;
		}
	}
	*found = false;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

static enum igvm_status validate_vp_context_platform(struct parse_ctx *c, struct igvm_header *h,
						     uint8_t platform)
{
	const struct igvm_vp_context *v = &h->body.vp;

	if (platform == IGVM_PLATFORM_SEV_SNP) {
		enum igvm_status status = check_gpa_aligned(c, "VP_CONTEXT", v->gpa);

		return status != IGVM_OK ? status : claim_page(c, v->gpa, v->compatibility_mask);
	}
	if (platform != IGVM_PLATFORM_NATIVE) {
		return igvm_fail(c->err, IGVM_ERR_UNSUPPORTED,
				 "VP_CONTEXT at file offset 0x%x: platform %s is not supported",
				 c->pos, igvm_platform_name(platform));
	}
	if (c->img->format_version < IGVM_FORMAT_VERSION_2 || v->gpa != 0) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "VP_CONTEXT at file offset 0x%x: a native context needs format "
				 "version 2 and GPA 0",
				 c->pos);
	}
	if (!all_zero(h->data + sizeof(struct igvm_native_vp_context_x64),
		      IGVM_PAGE_SIZE - sizeof(struct igvm_native_vp_context_x64))) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "VP_CONTEXT at file offset 0x%x: bytes after the 232-byte native "
				 "context are not zero",
				 c->pos);
	}
	return IGVM_OK;
}

static enum igvm_status validate_vp_context(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_vp_context *v = &h->body.vp;
	bool found;
	uint8_t platform = platform_of_mask(c->img, v->compatibility_mask, &found);
	enum igvm_status status;

	if (v->reserved != 0) {
		return igvm_fail(c->err, IGVM_ERR_RESERVED,
				 "VP_CONTEXT at file offset 0x%x: reserved is 0x%x", c->pos,
				 v->reserved);
	}
	if (!found) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "VP_CONTEXT at file offset 0x%x: mask 0x%x is not exactly one "
				 "declared platform",
				 c->pos, v->compatibility_mask);
	}
	for (size_t i = 0; i + 1 < c->img->count; i++) {
		const struct igvm_header *o = &c->img->headers[i];

		if (o->type == IGVM_VHT_VP_CONTEXT &&
		    o->body.vp.compatibility_mask == v->compatibility_mask &&
		    o->body.vp.vp_index == v->vp_index) {
			return igvm_fail(c->err, IGVM_ERR_INVALID,
					 "VP_CONTEXT at file offset 0x%x: second context for vp %u",
					 c->pos, v->vp_index);
		}
	}
	if (v->file_offset == 0) {
		return igvm_fail(c->err, IGVM_ERR_FILE_OFFSET,
				 "VP_CONTEXT at file offset 0x%x: file offset 0 (no context data)",
				 c->pos);
	}
	status = check_data_range(c, "VP_CONTEXT", v->file_offset, IGVM_PAGE_SIZE);
	if (status == IGVM_OK) {
		status = copy_data_page(c, h, v->file_offset);
	}
	return status != IGVM_OK ? status : validate_vp_context_platform(c, h, platform);
}

static enum igvm_status validate_required_memory(struct parse_ctx *c, struct igvm_header *h)
{
	const struct igvm_required_memory *r = &h->body.required;
	enum igvm_status status;

	if (r->reserved != 0 || (r->flags & ~IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE) != 0) {
		return igvm_fail(c->err, IGVM_ERR_RESERVED,
				 "REQUIRED_MEMORY at file offset 0x%x: reserved 0x%x, flags 0x%x",
				 c->pos, r->reserved, r->flags);
	}
	status = check_mask(c, "REQUIRED_MEMORY", r->compatibility_mask);
	if (status == IGVM_OK) {
		status = check_gpa_aligned(c, "REQUIRED_MEMORY", r->gpa);
	}
	if (status == IGVM_OK && !IS_ALIGNED(r->number_of_bytes, IGVM_PAGE_SIZE)) {
		status = igvm_fail(c->err, IGVM_ERR_ALIGNMENT,
				   "REQUIRED_MEMORY at file offset 0x%x: size 0x%x is not a page "
				   "multiple",
				   c->pos, r->number_of_bytes);
	}
	return status;
}

static enum igvm_status validate_header(struct parse_ctx *c, struct igvm_header *h)
{
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return validate_platform(c, h);
	case IGVM_VHT_GUEST_POLICY:
		return validate_policy(c, h);
	case IGVM_VHT_PAGE_DATA:
		return validate_page(c, h);
	case IGVM_VHT_PARAMETER_AREA:
		return validate_area(c, h);
	case IGVM_VHT_PARAMETER_INSERT:
		return validate_insert(c, h);
	case IGVM_VHT_VP_CONTEXT:
		return validate_vp_context(c, h);
	case IGVM_VHT_REQUIRED_MEMORY:
		return validate_required_memory(c, h);
	default:
		return validate_parameter(c, h);
	}
}

static enum igvm_status check_entry_type(struct parse_ctx *c, uint32_t type, uint32_t length)
{
	int section = igvm_header_section(type);
	size_t expected = igvm_body_size(type);

	if (expected == 0) {
		const char *name = igvm_header_type_name(type);

		if (section == IGVM_SECTION_NONE || strcmp(name, "UNKNOWN") == 0) {
			return igvm_fail(c->err, IGVM_ERR_UNKNOWN_TYPE,
					 "unknown header type 0x%x at file offset 0x%x", type,
					 c->pos);
		}
		return igvm_fail(c->err, IGVM_ERR_UNSUPPORTED,
				 "header type 0x%x (%s) at file offset 0x%x is not supported", type,
				 name, c->pos);
	}
	if (length != expected) {
		return igvm_fail(c->err, IGVM_ERR_HEADER_LENGTH,
				 "%s at file offset 0x%x: length %u, expected %zu",
				 igvm_header_type_name(type), c->pos, length, expected);
	}
	if (section < c->section) {
		return igvm_fail(c->err, IGVM_ERR_HEADER_ORDER,
				 "%s at file offset 0x%x comes after a later section (order is "
				 "platform, init, directive)",
				 igvm_header_type_name(type), c->pos);
	}
	c->section = section;
	return IGVM_OK;
}

static enum igvm_status parse_entry(struct parse_ctx *c, uint64_t pos, uint64_t end, uint64_t *next)
{
	struct igvm_var_header vh;
	uint64_t body_end;
	uint64_t padded_end;
	struct igvm_header *h;
	enum igvm_status status;

	c->pos = (uint32_t)pos;
	if (pos + sizeof(vh) > end) {
		return igvm_fail(
		    c->err, IGVM_ERR_VARHDR_RANGE,
		    "entry at file offset 0x%llx is cut off by the end of the variable "
		    "header",
		    (unsigned long long)pos);
	}
	memcpy(&vh, c->buf + pos, sizeof(vh));
	body_end = pos + sizeof(vh) + vh.length;
	padded_end = pos + sizeof(vh) + ALIGN_UP((uint64_t)vh.length, IGVM_HEADER_ALIGN);
	status = check_entry_type(c, vh.type, vh.length);
	if (status != IGVM_OK) {
		return status;
	}
	if (padded_end > end) {
		return igvm_fail(
		    c->err, IGVM_ERR_VARHDR_RANGE,
		    "%s at file offset 0x%llx runs past the end of the variable header",
		    igvm_header_type_name(vh.type), (unsigned long long)pos);
	}
	if (!all_zero(c->buf + body_end, padded_end - body_end)) {
		return igvm_fail(c->err, IGVM_ERR_PADDING,
				 "%s at file offset 0x%llx: padding after the body is not zero",
				 igvm_header_type_name(vh.type), (unsigned long long)pos);
	}
	status =
	    igvm_image_append(c->img, vh.type, c->buf + pos + sizeof(vh), vh.length, NULL, c->err);
	if (status != IGVM_OK) {
		return status;
	}
	h = &c->img->headers[c->img->count - 1];
	h->file_pos = (uint32_t)pos;
	*next = padded_end;
	return validate_header(c, h);
}

static enum igvm_status parse_entries(struct parse_ctx *c)
{
	uint64_t pos = c->img->variable_header_offset;
	uint64_t end = pos + c->img->variable_header_size;

	while (pos < end) {
		enum igvm_status status = parse_entry(c, pos, end, &pos);

		if (status != IGVM_OK) {
			return status;
		}
	}
	if (c->declared_masks == 0) {
		return igvm_fail(c->err, IGVM_ERR_INVALID, "no SUPPORTED_PLATFORM header");
	}
	return check_overlaps(c);
}

enum igvm_status igvm_image_parse(const uint8_t *buf, size_t len, struct igvm_image *img,
				  struct igvm_error *err)
{
	struct parse_ctx c = {.buf = buf, .len = len, .img = img, .err = err};
	size_t fixed_size = 0;
	enum igvm_status status;

	igvm_image_init(img, 0);
	status = parse_fixed_header(&c, &fixed_size);
	if (status == IGVM_OK) {
		status = check_framing(&c, fixed_size);
	}
	if (status == IGVM_OK) {
		status = check_checksum(&c, fixed_size);
	}
	if (status == IGVM_OK) {
		status = parse_entries(&c);
	}
	free(c.claims);
	return status;
}
