/* SPDX-License-Identifier: MIT */
/* The in-memory IGVM model: construction, names, CRC-32 and whole-file I/O. */
#include "igvm/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svsm/check.h"

static const char *const status_names[] = {
    [IGVM_OK] = "ok",
    [IGVM_ERR_IO] = "I/O error",
    [IGVM_ERR_NO_MEMORY] = "out of memory",
    [IGVM_ERR_USAGE] = "bad usage",
    [IGVM_ERR_TRUNCATED] = "truncated file",
    [IGVM_ERR_MAGIC] = "bad magic",
    [IGVM_ERR_VERSION] = "unsupported format version",
    [IGVM_ERR_ARCH] = "unsupported architecture",
    [IGVM_ERR_PAGE_SIZE] = "unsupported page size",
    [IGVM_ERR_FILE_SIZE] = "total_file_size mismatch",
    [IGVM_ERR_VARHDR_RANGE] = "bad variable header range",
    [IGVM_ERR_CHECKSUM] = "checksum mismatch",
    [IGVM_ERR_ALIGNMENT] = "misaligned",
    [IGVM_ERR_PADDING] = "non-zero padding",
    [IGVM_ERR_HEADER_LENGTH] = "wrong header length",
    [IGVM_ERR_UNKNOWN_TYPE] = "unknown header type",
    [IGVM_ERR_HEADER_ORDER] = "headers out of order",
    [IGVM_ERR_RESERVED] = "reserved field not zero",
    [IGVM_ERR_FILE_OFFSET] = "bad file offset",
    [IGVM_ERR_OVERLAP] = "overlapping pages",
    [IGVM_ERR_INVALID] = "invalid header",
    [IGVM_ERR_UNSUPPORTED] = "unsupported",
    [IGVM_ERR_ELF] = "bad ELF file",
    [IGVM_ERR_LAYOUT] = "layout violation",
    [IGVM_ERR_CRYPTO] = "crypto failure",
};

const char *igvm_status_str(enum igvm_status status)
{
	if ((size_t)status >= ARRAY_SIZE(status_names) || status_names[status] == NULL) {
		return "unknown status";
	}
	return status_names[status];
}

enum igvm_status igvm_fail(struct igvm_error *err, enum igvm_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL) {
		return status;
	}
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return status;
}

void igvm_image_init(struct igvm_image *img, uint32_t format_version)
{
	memset(img, 0, sizeof(*img));
	img->format_version = format_version;
}

void igvm_image_free(struct igvm_image *img)
{
	for (size_t i = 0; i < img->count; i++) {
		free(img->headers[i].data);
	}
	free(img->headers);
	img->headers = NULL;
	img->count = 0;
	img->capacity = 0;
}

static enum igvm_status reserve_one(struct igvm_image *img, struct igvm_error *err)
{
	size_t capacity;
	struct igvm_header *grown;

	if (img->count < img->capacity) {
		return IGVM_OK;
	}
	capacity = img->capacity == 0 ? 64 : img->capacity * 2;
	grown = realloc(img->headers, capacity * sizeof(*grown));
	if (grown == NULL) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot grow header list to %zu entries",
				 capacity);
	}
	img->headers = grown;
	img->capacity = capacity;
	return IGVM_OK;
}

enum igvm_status igvm_image_append(struct igvm_image *img, uint32_t type, const void *body,
				   size_t body_len, const void *data, struct igvm_error *err)
{
	struct igvm_header *h;
	enum igvm_status status;

	CHECK(body_len <= sizeof(h->body));
	status = reserve_one(img, err);
	if (status != IGVM_OK) {
		return status;
	}
	h = &img->headers[img->count];
	memset(h, 0, sizeof(*h));
	h->type = type;
	memcpy(&h->body, body, body_len);
	if (data != NULL) {
		h->data = malloc(IGVM_PAGE_SIZE);
		if (h->data == NULL) {
			return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate a data page");
		}
		memcpy(h->data, data, IGVM_PAGE_SIZE);
	}
	img->count++;
	return IGVM_OK;
}

enum igvm_status igvm_add_platform(struct igvm_image *img, uint32_t mask, uint8_t platform_type,
				   struct igvm_error *err)
{
	struct igvm_supported_platform p = {
	    .compatibility_mask = mask,
	    .highest_vtl = 0,
	    .platform_type = platform_type,
	    .platform_version = IGVM_PLATFORM_VERSION,
	    .shared_gpa_boundary = 0,
	};

	return igvm_image_append(img, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p), NULL, err);
}

enum igvm_status igvm_add_policy(struct igvm_image *img, uint64_t policy, uint32_t mask,
				 struct igvm_error *err)
{
	struct igvm_guest_policy p = {.policy = policy, .compatibility_mask = mask};

	return igvm_image_append(img, IGVM_VHT_GUEST_POLICY, &p, sizeof(p), NULL, err);
}

enum igvm_status igvm_add_page(struct igvm_image *img, gpa_t gpa, uint32_t mask, uint32_t flags,
			       uint16_t data_type, const void *page, struct igvm_error *err)
{
	struct igvm_page_data p = {
	    .gpa = gpa_addr(gpa),
	    .compatibility_mask = mask,
	    .flags = flags,
	    .data_type = data_type,
	};

	return igvm_image_append(img, IGVM_VHT_PAGE_DATA, &p, sizeof(p), page, err);
}

enum igvm_status igvm_add_param_area(struct igvm_image *img, uint32_t index, uint64_t bytes,
				     struct igvm_error *err)
{
	struct igvm_parameter_area a = {.number_of_bytes = bytes, .parameter_area_index = index};

	return igvm_image_append(img, IGVM_VHT_PARAMETER_AREA, &a, sizeof(a), NULL, err);
}

enum igvm_status igvm_add_param(struct igvm_image *img, uint32_t type, uint32_t index,
				uint32_t byte_offset, struct igvm_error *err)
{
	struct igvm_parameter p = {.parameter_area_index = index, .byte_offset = byte_offset};

	return igvm_image_append(img, type, &p, sizeof(p), NULL, err);
}

enum igvm_status igvm_add_param_insert(struct igvm_image *img, gpa_t gpa, uint32_t mask,
				       uint32_t index, struct igvm_error *err)
{
	struct igvm_parameter_insert p = {
	    .gpa = gpa_addr(gpa),
	    .compatibility_mask = mask,
	    .parameter_area_index = index,
	};

	return igvm_image_append(img, IGVM_VHT_PARAMETER_INSERT, &p, sizeof(p), NULL, err);
}

enum igvm_status igvm_add_vp_context(struct igvm_image *img, gpa_t gpa, uint32_t mask,
				     uint16_t vp_index, const void *context_page,
				     struct igvm_error *err)
{
	struct igvm_vp_context v = {
	    .gpa = gpa_addr(gpa),
	    .compatibility_mask = mask,
	    .vp_index = vp_index,
	};

	CHECK(context_page != NULL);
	return igvm_image_append(img, IGVM_VHT_VP_CONTEXT, &v, sizeof(v), context_page, err);
}

const char *igvm_header_type_name(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return "SUPPORTED_PLATFORM";
	case IGVM_VHT_GUEST_POLICY:
		return "GUEST_POLICY";
	case IGVM_VHT_RELOCATABLE_REGION:
		return "RELOCATABLE_REGION";
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		return "PAGE_TABLE_RELOCATION_REGION";
	case IGVM_VHT_PARAMETER_AREA:
		return "PARAMETER_AREA";
	case IGVM_VHT_PAGE_DATA:
		return "PAGE_DATA";
	case IGVM_VHT_PARAMETER_INSERT:
		return "PARAMETER_INSERT";
	case IGVM_VHT_VP_CONTEXT:
		return "VP_CONTEXT";
	case IGVM_VHT_REQUIRED_MEMORY:
		return "REQUIRED_MEMORY";
	case IGVM_VHT_VP_COUNT_PARAMETER:
		return "VP_COUNT_PARAMETER";
	case IGVM_VHT_SRAT:
		return "SRAT";
	case IGVM_VHT_MADT:
		return "MADT";
	case IGVM_VHT_MMIO_RANGES:
		return "MMIO_RANGES";
	case IGVM_VHT_SNP_ID_BLOCK:
		return "SNP_ID_BLOCK";
	case IGVM_VHT_MEMORY_MAP:
		return "MEMORY_MAP";
	case IGVM_VHT_ERROR_RANGE:
		return "ERROR_RANGE";
	case IGVM_VHT_COMMAND_LINE:
		return "COMMAND_LINE";
	case IGVM_VHT_SLIT:
		return "SLIT";
	case IGVM_VHT_PPTT:
		return "PPTT";
	case IGVM_VHT_VBS_MEASUREMENT:
		return "VBS_MEASUREMENT";
	case IGVM_VHT_DEVICE_TREE:
		return "DEVICE_TREE";
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return "ENVIRONMENT_INFO_PARAMETER";
	default:
		return "UNKNOWN";
	}
}

const char *igvm_platform_name(uint8_t platform_type)
{
	switch (platform_type) {
	case IGVM_PLATFORM_NATIVE:
		return "NATIVE";
	case IGVM_PLATFORM_VSM_ISOLATION:
		return "VSM_ISOLATION";
	case IGVM_PLATFORM_SEV_SNP:
		return "SEV_SNP";
	case IGVM_PLATFORM_TDX:
		return "TDX";
	case IGVM_PLATFORM_SEV:
		return "SEV";
	case IGVM_PLATFORM_SEV_ES:
		return "SEV_ES";
	case IGVM_PLATFORM_CCA:
		return "CCA";
	default:
		return "UNKNOWN";
	}
}

uint32_t igvm_platform_mask(const struct igvm_image *img, uint8_t platform_type)
{
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];

		if (h->type == IGVM_VHT_SUPPORTED_PLATFORM &&
		    h->body.platform.platform_type == platform_type) {
			return h->body.platform.compatibility_mask;
		}
	}
	return 0;
}

size_t igvm_body_size(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return sizeof(struct igvm_supported_platform);
	case IGVM_VHT_GUEST_POLICY:
		return sizeof(struct igvm_guest_policy);
	case IGVM_VHT_PAGE_DATA:
		return sizeof(struct igvm_page_data);
	case IGVM_VHT_PARAMETER_AREA:
		return sizeof(struct igvm_parameter_area);
	case IGVM_VHT_PARAMETER_INSERT:
		return sizeof(struct igvm_parameter_insert);
	case IGVM_VHT_VP_CONTEXT:
		return sizeof(struct igvm_vp_context);
	case IGVM_VHT_REQUIRED_MEMORY:
		return sizeof(struct igvm_required_memory);
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return sizeof(struct igvm_parameter);
	default:
		return 0;
	}
}

int igvm_header_section(uint32_t type)
{
	if (type >= IGVM_VHT_RANGE_PLATFORM_FIRST && type <= IGVM_VHT_RANGE_PLATFORM_LAST) {
		return IGVM_SECTION_PLATFORM;
	}
	if (type >= IGVM_VHT_RANGE_INIT_FIRST && type <= IGVM_VHT_RANGE_INIT_LAST) {
		return IGVM_SECTION_INIT;
	}
	if (type >= IGVM_VHT_RANGE_DIRECTIVE_FIRST && type <= IGVM_VHT_RANGE_DIRECTIVE_LAST) {
		return IGVM_SECTION_DIRECTIVE;
	}
	return IGVM_SECTION_NONE;
}

uint32_t igvm_header_mask(const struct igvm_header *h)
{
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return h->body.platform.compatibility_mask;
	case IGVM_VHT_GUEST_POLICY:
		return h->body.policy.compatibility_mask;
	case IGVM_VHT_PAGE_DATA:
		return h->body.page.compatibility_mask;
	case IGVM_VHT_PARAMETER_INSERT:
		return h->body.insert.compatibility_mask;
	case IGVM_VHT_VP_CONTEXT:
		return h->body.vp.compatibility_mask;
	case IGVM_VHT_REQUIRED_MEMORY:
		return h->body.required.compatibility_mask;
	default:
		return 0;
	}
}

static uint32_t crc32_table[256];

static void crc32_init_table(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++) {
			c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
		}
		crc32_table[n] = c;
	}
}

uint32_t igvm_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (crc32_table[1] == 0) {
		crc32_init_table();
	}
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc = crc32_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	}
	return ~crc;
}

enum igvm_status igvm_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len,
				struct igvm_error *err)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		return igvm_fail(err, IGVM_ERR_IO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return igvm_fail(err, IGVM_ERR_IO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max_len) {
		close(fd);
		return igvm_fail(err, IGVM_ERR_IO, "%s: %lld bytes, more than the %zu allowed",
				 path, (long long)st.st_size, max_len);
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		close(fd);
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "%s: cannot allocate %lld bytes", path,
				 (long long)st.st_size);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0) {
			free(buf);
			close(fd);
			return igvm_fail(err, IGVM_ERR_IO, "%s: read failed: %s", path,
					 n == 0 ? "unexpected end of file" : strerror(errno));
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*out_len = done;
	return IGVM_OK;
}

static bool write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0) {
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

enum igvm_status igvm_write_file(const char *path, const void *buf, size_t len,
				 struct igvm_error *err)
{
	char tmp[4096];
	int fd;
	int saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp)) {
		return igvm_fail(err, IGVM_ERR_IO, "%s: path too long", path);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return igvm_fail(err, IGVM_ERR_IO, "%s: %s", tmp, strerror(errno));
	}
	if (!write_all(fd, buf, len) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		return igvm_fail(err, IGVM_ERR_IO, "%s: write failed: %s", tmp, strerror(saved));
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		return igvm_fail(err, IGVM_ERR_IO, "%s: %s", path, strerror(saved));
	}
	return IGVM_OK;
}
