/* SPDX-License-Identifier: MIT */
/*
 * The NATIVE-platform IGVM loader for QEMU 7.2 (see include/igvm/qemu_loader.h). It executes the
 * directives whose mask includes the NATIVE platform in file order, like QEMU's own loader:
 * pages are copied, parameter areas start zeroed (file_offset data is ignored, as QEMU does),
 * parameters are written into them and PARAMETER_INSERT places them.
 */
#include "igvm/qemu_loader.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "svsm/layout.h"

#include "igvm/measure.h"

#define MIB (1ULL << 20)

struct loaded_page {
	uint64_t gpa;
	uint8_t *data; /* owned */
};

struct param_buffer {
	uint32_t index;
	uint64_t bytes;
	uint8_t *data; /* owned; NULL once inserted */
};

struct load_ctx {
	const struct igvm_image *img;
	uint32_t mask;
	uint64_t memory_bytes;
	unsigned vcpus;
	size_t page_count;
	size_t page_capacity;
	struct loaded_page *pages;
	size_t area_count;
	struct param_buffer areas[16];
	struct igvm_error *err;
};

enum igvm_status qemu_parse_memory_size(const char *text, uint64_t *bytes, struct igvm_error *err)
{
	char *end;
	unsigned long long value;
	uint64_t unit = MIB;

	errno = 0;
	if (text == NULL || !isdigit((unsigned char)text[0])) {
		return igvm_fail(err, IGVM_ERR_USAGE, "memory size '%s' is not a number",
				 text != NULL ? text : "");
	}
	value = strtoull(text, &end, 10);
	if (errno != 0) {
		return igvm_fail(err, IGVM_ERR_USAGE, "memory size '%s' is out of range", text);
	}
	if (*end != '\0') {
		char suffix = (char)toupper((unsigned char)*end);

		unit = suffix == 'K'   ? 1024ULL
		       : suffix == 'M' ? MIB
		       : suffix == 'G' ? MIB * 1024
				       : 0;
		if (unit == 0 || end[1] != '\0') {
			return igvm_fail(err, IGVM_ERR_USAGE,
					 "memory size '%s': suffix must be K, M or G", text);
		}
	}
	if (value == 0 || value > QEMU_MAX_MEMORY / unit || value * unit % MIB != 0) {
		return igvm_fail(
		    err, IGVM_ERR_USAGE,
		    "memory size '%s' must be a whole number of MiB between 1 MiB and 2 "
		    "GiB (larger q35 guests split RAM around the PCI hole)",
		    text);
	}
	*bytes = value * unit;
	return IGVM_OK;
}

static enum igvm_status add_loaded_page(struct load_ctx *c, uint64_t gpa, const uint8_t *data)
{
	struct loaded_page page = {.gpa = gpa, .data = calloc(1, IGVM_PAGE_SIZE)};

	if (page.data == NULL) {
		return igvm_fail(c->err, IGVM_ERR_NO_MEMORY, "cannot allocate a page");
	}
	if (data != NULL) {
		memcpy(page.data, data, IGVM_PAGE_SIZE);
	}
	if (c->page_count == c->page_capacity) {
		size_t capacity = c->page_capacity == 0 ? 256 : c->page_capacity * 2;
		struct loaded_page *grown = realloc(c->pages, capacity * sizeof(*grown));

		if (grown == NULL) {
			free(page.data);
			return igvm_fail(c->err, IGVM_ERR_NO_MEMORY, "cannot track %zu pages",
					 capacity);
		}
		c->pages = grown;
		c->page_capacity = capacity;
	}
	c->pages[c->page_count++] = page;
	return IGVM_OK;
}

static struct param_buffer *find_area(struct load_ctx *c, uint32_t index)
{
	for (size_t i = 0; i < c->area_count; i++) {
		if (c->areas[i].index == index && c->areas[i].data != NULL) {
			return &c->areas[i];
		}
	}
	return NULL;
}

static enum igvm_status declare_area(struct load_ctx *c, const struct igvm_parameter_area *a)
{
	struct param_buffer *b;

	if (c->area_count == ARRAY_SIZE(c->areas)) {
		return igvm_fail(c->err, IGVM_ERR_UNSUPPORTED, "more than %zu parameter areas",
				 ARRAY_SIZE(c->areas));
	}
	b = &c->areas[c->area_count];
	b->index = a->parameter_area_index;
	b->bytes = a->number_of_bytes;
	b->data = calloc(1, a->number_of_bytes);
	if (b->data == NULL) {
		return igvm_fail(c->err, IGVM_ERR_NO_MEMORY, "cannot allocate parameter area %u",
				 a->parameter_area_index);
	}
	c->area_count++;
	return IGVM_OK;
}

static enum igvm_status write_parameter(struct load_ctx *c, const struct igvm_header *h)
{
	struct param_buffer *b = find_area(c, h->body.param.parameter_area_index);
	uint32_t off = h->body.param.byte_offset;
	uint32_t value;
	struct igvm_memory_map_entry map[2] = {{0}};

	if (b == NULL) {
		return igvm_fail(c->err, IGVM_ERR_INVALID, "%s names missing parameter area %u",
				 igvm_header_type_name(h->type),
				 h->body.param.parameter_area_index);
	}
	if (h->type == IGVM_VHT_MEMORY_MAP) {
		/* One RAM entry and the zero terminator: q35 below 2 GiB has RAM at [0, SIZE). */
		if ((uint64_t)off + sizeof(map) > b->bytes) {
			return igvm_fail(c->err, IGVM_ERR_INVALID,
					 "memory map does not fit area %u", b->index);
		}
		map[0].number_of_pages = c->memory_bytes / IGVM_PAGE_SIZE;
		map[0].entry_type = IGVM_MEMORY_MAP_MEMORY;
		memcpy(b->data + off, map, sizeof(map));
		return IGVM_OK;
	}
	if ((uint64_t)off + sizeof(value) > b->bytes) {
		return igvm_fail(c->err, IGVM_ERR_INVALID, "%s does not fit area %u",
				 igvm_header_type_name(h->type), b->index);
	}
	value = h->type == IGVM_VHT_VP_COUNT_PARAMETER ? c->vcpus : IGVM_ENV_INFO_MEMORY_IS_SHARED;
	memcpy(b->data + off, &value, sizeof(value));
	return IGVM_OK;
}

static enum igvm_status insert_area(struct load_ctx *c, const struct igvm_parameter_insert *p)
{
	struct param_buffer *b = find_area(c, p->parameter_area_index);
	enum igvm_status status = IGVM_OK;

	if (b == NULL) {
		return igvm_fail(c->err, IGVM_ERR_INVALID,
				 "PARAMETER_INSERT names missing parameter area %u",
				 p->parameter_area_index);
	}
	for (uint64_t off = 0; off < b->bytes && status == IGVM_OK; off += IGVM_PAGE_SIZE) {
		/* The analyzer loses the areas' buffers (stored at a symbolic index in c->areas)
		 * and reports them leaked here; they are freed below or by load_ctx_free(). */
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		status = add_loaded_page(c, p->gpa + off, b->data + off);
	}
	free(b->data);
	b->data = NULL;
	return status;
}

static enum igvm_status check_required_memory(struct load_ctx *c,
					      const struct igvm_required_memory *r)
{
	if (r->gpa + r->number_of_bytes > c->memory_bytes) {
		return igvm_fail(
		    c->err, IGVM_ERR_LAYOUT,
		    "REQUIRED_MEMORY [0x%llx, +0x%x) is beyond the 0x%llx bytes of RAM",
		    (unsigned long long)r->gpa, r->number_of_bytes,
		    (unsigned long long)c->memory_bytes);
	}
	return IGVM_OK;
}

static enum igvm_status load_directive(struct load_ctx *c, const struct igvm_header *h)
{
	uint32_t mask = igvm_header_mask(h);

	if (mask != 0 && (mask & c->mask) == 0) {
		return IGVM_OK;
	}
	switch (h->type) {
	case IGVM_VHT_PAGE_DATA:
		return add_loaded_page(c, h->body.page.gpa, h->data);
	case IGVM_VHT_PARAMETER_AREA:
		return declare_area(c, &h->body.area);
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
	case IGVM_VHT_MEMORY_MAP:
		return write_parameter(c, h);
	case IGVM_VHT_PARAMETER_INSERT:
		return insert_area(c, &h->body.insert);
	case IGVM_VHT_REQUIRED_MEMORY:
		return check_required_memory(c, &h->body.required);
	case IGVM_VHT_VP_CONTEXT:
		return igvm_fail(c->err, IGVM_ERR_UNSUPPORTED,
				 "a NATIVE VP context cannot be loaded into QEMU 7.2; the NATIVE "
				 "platform must start at the reset vector");
	default:
		return IGVM_OK;
	}
}

/* Emulation only: the digest the PSP would report for the SEV_SNP platform, for the qemu
 * platform's emulated PSP. It is unmeasured and untrusted (the host writes it). */
static enum igvm_status add_emulated_measurement(struct load_ctx *c)
{
	uint8_t page[IGVM_PAGE_SIZE] = {0};
	enum igvm_status status = igvm_snp_launch_digest(c->img, page, c->err);

	if (status != IGVM_OK) {
		return status;
	}
	return add_loaded_page(c, LAYOUT_EMU_MEASUREMENT_GPA, page);
}

static int compare_loaded(const void *a, const void *b)
{
	const struct loaded_page *x = a;
	const struct loaded_page *y = b;

	return x->gpa < y->gpa ? -1 : (x->gpa > y->gpa ? 1 : 0);
}

static bool in_bios(uint64_t gpa)
{
	return gpa >= QEMU_BIOS_BASE && gpa < QEMU_BIOS_BASE + QEMU_BIOS_SIZE;
}

static enum igvm_status check_placement(struct load_ctx *c)
{
	for (size_t i = 0; i < c->page_count; i++) {
		uint64_t gpa = c->pages[i].gpa;

		if (i > 0 && c->pages[i - 1].gpa == gpa) {
			return igvm_fail(c->err, IGVM_ERR_OVERLAP, "GPA 0x%llx is loaded twice",
					 (unsigned long long)gpa);
		}
		if (in_bios(gpa)) {
			continue;
		}
		if (gpa >= QEMU_LEGACY_HOLE_START && gpa < QEMU_LEGACY_HOLE_END) {
			return igvm_fail(c->err, IGVM_ERR_LAYOUT,
					 "page 0x%llx is in the legacy VGA/BIOS hole [0xA0000, "
					 "0x100000)",
					 (unsigned long long)gpa);
		}
		if (gpa + IGVM_PAGE_SIZE > c->memory_bytes) {
			return igvm_fail(c->err, IGVM_ERR_LAYOUT,
					 "page 0x%llx is beyond the 0x%llx bytes of RAM; give more "
					 "memory",
					 (unsigned long long)gpa,
					 (unsigned long long)c->memory_bytes);
		}
	}
	return IGVM_OK;
}

/* The CPU starts at 0xFFFFFFF0; without a page there the guest would run zeros. */
static enum igvm_status check_reset_vector(const struct load_ctx *c)
{
	for (size_t i = 0; i < c->page_count; i++) {
		if (c->pages[i].gpa == QEMU_BIOS_BASE + QEMU_BIOS_SIZE - IGVM_PAGE_SIZE) {
			return IGVM_OK;
		}
	}
	return igvm_fail(c->err, IGVM_ERR_INVALID,
			 "the NATIVE platform loads no page at the reset vector 0xFFFFFFF0");
}

static enum igvm_status append_run(struct qemu_plan *plan, const struct loaded_page *pages,
				   size_t count, struct igvm_error *err)
{
	struct qemu_blob *grown = realloc(plan->blobs, (plan->blob_count + 1) * sizeof(*grown));
	struct qemu_blob *blob;

	if (grown == NULL) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot grow the blob list");
	}
	plan->blobs = grown;
	blob = &plan->blobs[plan->blob_count];
	blob->gpa = pages[0].gpa;
	blob->len = count * IGVM_PAGE_SIZE;
	blob->data = malloc(blob->len);
	if (blob->data == NULL) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate a %zu-byte blob",
				 blob->len);
	}
	for (size_t i = 0; i < count; i++) {
		memcpy(blob->data + i * IGVM_PAGE_SIZE, pages[i].data, IGVM_PAGE_SIZE);
	}
	plan->blob_count++;
	return IGVM_OK;
}

static enum igvm_status build_blobs(struct load_ctx *c, struct qemu_plan *plan)
{
	size_t i = 0;

	plan->bios = calloc(1, QEMU_BIOS_SIZE);
	if (plan->bios == NULL) {
		return igvm_fail(c->err, IGVM_ERR_NO_MEMORY, "cannot allocate the BIOS image");
	}
	while (i < c->page_count) {
		size_t run = 1;
		enum igvm_status status;

		if (in_bios(c->pages[i].gpa)) {
			memcpy(plan->bios + (c->pages[i].gpa - QEMU_BIOS_BASE), c->pages[i].data,
			       IGVM_PAGE_SIZE);
			i++;
			continue;
		}
		while (i + run < c->page_count &&
		       c->pages[i + run].gpa == c->pages[i].gpa + run * IGVM_PAGE_SIZE &&
		       !in_bios(c->pages[i + run].gpa)) {
			run++;
		}
		status = append_run(plan, &c->pages[i], run, c->err);
		if (status != IGVM_OK) {
			return status;
		}
		i += run;
	}
	return IGVM_OK;
}

static void load_ctx_free(struct load_ctx *c)
{
	for (size_t i = 0; i < c->page_count; i++) {
		free(c->pages[i].data);
	}
	free(c->pages);
	for (size_t i = 0; i < c->area_count; i++) {
		free(c->areas[i].data);
	}
}

static enum igvm_status check_plan_inputs(const struct igvm_image *img, uint64_t memory_bytes,
					  unsigned vcpus, struct igvm_error *err)
{
	if (igvm_platform_mask(img, IGVM_PLATFORM_NATIVE) == 0) {
		return igvm_fail(err, IGVM_ERR_INVALID, "the file declares no NATIVE platform");
	}
	if (vcpus == 0 || vcpus > SVSM_MAX_CPUS) {
		return igvm_fail(err, IGVM_ERR_USAGE, "vCPU count %u must be between 1 and %u",
				 vcpus, SVSM_MAX_CPUS);
	}
	if (memory_bytes == 0 || memory_bytes > QEMU_MAX_MEMORY || memory_bytes % MIB != 0) {
		return igvm_fail(err, IGVM_ERR_USAGE,
				 "memory size 0x%llx must be a whole number of MiB up to 2 GiB",
				 (unsigned long long)memory_bytes);
	}
	return IGVM_OK;
}

enum igvm_status qemu_plan_native(const struct igvm_image *img, uint64_t memory_bytes,
				  unsigned vcpus, struct qemu_plan *plan, struct igvm_error *err)
{
	struct load_ctx c = {
	    .img = img,
	    .mask = igvm_platform_mask(img, IGVM_PLATFORM_NATIVE),
	    .memory_bytes = memory_bytes,
	    .vcpus = vcpus,
	    .err = err,
	};
	enum igvm_status status = check_plan_inputs(img, memory_bytes, vcpus, err);

	memset(plan, 0, sizeof(*plan));
	plan->memory_bytes = memory_bytes;
	plan->vcpus = vcpus;
	for (size_t i = 0; i < img->count && status == IGVM_OK; i++) {
		status = load_directive(&c, &img->headers[i]);
	}
	if (status == IGVM_OK) {
		status = add_emulated_measurement(&c);
	}
	if (status == IGVM_OK) {
		if (c.page_count != 0) { /* c.pages is NULL until the first page */
			qsort(c.pages, c.page_count, sizeof(*c.pages), compare_loaded);
		}
		status = check_placement(&c);
	}
	if (status == IGVM_OK) {
		status = check_reset_vector(&c);
	}
	if (status == IGVM_OK) {
		status = build_blobs(&c, plan);
	}
	load_ctx_free(&c);
	return status;
}

void qemu_plan_free(struct qemu_plan *plan)
{
	for (size_t i = 0; i < plan->blob_count; i++) {
		free(plan->blobs[i].data);
	}
	free(plan->blobs);
	free(plan->bios);
	memset(plan, 0, sizeof(*plan));
}

/* QEMU splits options at commas and the shell splits $(...) at whitespace. */
static enum igvm_status check_outdir(const char *outdir, struct igvm_error *err)
{
	if (outdir[0] == '\0') {
		return igvm_fail(err, IGVM_ERR_USAGE, "--outdir is empty");
	}
	for (const char *p = outdir; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || *p == ',' || !isprint((unsigned char)*p)) {
			return igvm_fail(
			    err, IGVM_ERR_USAGE,
			    "--outdir '%s' contains a space, comma or control character "
			    "that QEMU or the shell would split",
			    outdir);
		}
	}
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		return igvm_fail(err, IGVM_ERR_IO, "%s: %s", outdir, strerror(errno));
	}
	return IGVM_OK;
}

static enum igvm_status append_text(char **buf, size_t *len, struct igvm_error *err,
				    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum igvm_status append_text(char **buf, size_t *len, struct igvm_error *err,
				    const char *fmt, ...)
{
	va_list ap;
	char *piece = NULL;
	char *grown;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot format arguments");
	}
	grown = realloc(*buf, *len + (size_t)n + 1);
	if (grown == NULL) {
		free(piece);
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot grow arguments");
	}
	memcpy(grown + *len, piece, (size_t)n + 1);
	*buf = grown;
	*len += (size_t)n;
	free(piece);
	return IGVM_OK;
}

static enum igvm_status write_blob(const char *outdir, const struct qemu_blob *blob, char **args,
				   size_t *args_len, struct igvm_error *err)
{
	char path[4096];
	enum igvm_status status;

	if ((size_t)snprintf(path, sizeof(path), "%s/ram-%016llx.bin", outdir,
			     (unsigned long long)blob->gpa) >= sizeof(path)) {
		return igvm_fail(err, IGVM_ERR_USAGE, "--outdir is too long");
	}
	status = igvm_write_file(path, blob->data, blob->len, err);
	if (status != IGVM_OK) {
		return status;
	}
	return append_text(args, args_len, err, " -device loader,file=%s,addr=0x%llx,force-raw=on",
			   path, (unsigned long long)blob->gpa);
}

enum igvm_status qemu_plan_write(const struct qemu_plan *plan, const char *outdir, char **args,
				 struct igvm_error *err)
{
	char path[4096];
	char *text = NULL;
	size_t len = 0;
	enum igvm_status status = check_outdir(outdir, err);

	if (status == IGVM_OK &&
	    (size_t)snprintf(path, sizeof(path), "%s/reset.bin", outdir) >= sizeof(path)) {
		status = igvm_fail(err, IGVM_ERR_USAGE, "--outdir is too long");
	}
	if (status == IGVM_OK) {
		status = igvm_write_file(path, plan->bios, QEMU_BIOS_SIZE, err);
	}
	if (status == IGVM_OK) {
		status =
		    append_text(&text, &len, err, "-machine q35 -m %lluM -smp %u -bios %s",
				(unsigned long long)(plan->memory_bytes / MIB), plan->vcpus, path);
	}
	for (size_t i = 0; i < plan->blob_count && status == IGVM_OK; i++) {
		status = write_blob(outdir, &plan->blobs[i], &text, &len, err);
	}
	if (status != IGVM_OK) {
		free(text);
		return status;
	}
	*args = text;
	return IGVM_OK;
}
