/* SPDX-License-Identifier: MIT */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "svsm/layout.h"
#include "svsm/migrate/control.h"

#include "igvm/image.h"
#include "net.h"

#define IMAGE_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define ATTACH_POLL_NS	10000000L

static bool page_in_region(uint64_t page_gpa, uint64_t gpa)
{
	return page_gpa + PAGE_SIZE > gpa && page_gpa < gpa + MIG_REGION_SIZE;
}

bool agent_image_migration_gpa(const char *image_path, uint64_t *gpa, char *message,
			       size_t message_len)
{
	struct igvm_error err = {0};
	struct igvm_image img;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool ok = true;

	if (igvm_read_file(image_path, IMAGE_MAX_BYTES, &buf, &len, &err) != IGVM_OK) {
		snprintf(message, message_len, "image %s: %s", image_path, err.message);
		return false;
	}
	if (igvm_image_parse(buf, len, &img, &err) != IGVM_OK) {
		snprintf(message, message_len, "image %s is not a valid IGVM file: %s", image_path,
			 err.message);
		ok = false;
	}
	*gpa = LAYOUT_MIGRATION_GPA;
	for (size_t i = 0; ok && i < img.count; i++) {
		const struct igvm_header *h = &img.headers[i];

		if (h->type == IGVM_VHT_PAGE_DATA && page_in_region(h->body.page.gpa, *gpa)) {
			snprintf(message, message_len,
				 "image %s loads a page at GPA 0x%llx, inside the MigrationPage "
				 "region: not an svsm-migrate image",
				 image_path, (unsigned long long)h->body.page.gpa);
			ok = false;
		}
	}
	igvm_image_free(&img);
	free(buf);
	return ok;
}

bool agent_check_control(const void *region, char *message, size_t message_len)
{
	const volatile struct mig_control *c = region;
	struct mig_svsm_state state;
	uint64_t magic;

	if (mig_control_host_read(region, &state) == MIG_ERR_NONE) {
		return true;
	}
	/* Only to say which check failed: the verdict above is control.c's. */
	magic = c->magic;
	if (magic != MIG_MAGIC) {
		snprintf(message, message_len,
			 "no MigrationPage control page at this GPA (magic 0x%016llx, expected "
			 "0x%016llx)",
			 (unsigned long long)magic, (unsigned long long)MIG_MAGIC);
	} else if (c->abi_version != MIG_ABI_VERSION) {
		snprintf(message, message_len, "MigrationPage ABI version %u, this agent speaks %u",
			 c->abi_version, MIG_ABI_VERSION);
	} else {
		snprintf(
		    message, message_len,
		    "MigrationPage geometry (%u channels x %u slots x %u bytes, region %llu) or "
		    "published state is not ABI v1's (%u x %u x %u, region %llu)",
		    c->max_channels, c->ring_slots, c->slot_size,
		    (unsigned long long)c->region_size, MIG_MAX_CHANNELS, MIG_RING_SLOTS,
		    MIG_SLOT_SIZE, (unsigned long long)MIG_REGION_SIZE);
	}
	return false;
}

static bool map_region(const char *memory_file, uint64_t gpa, struct agent_attachment *att,
		       char *message, size_t message_len)
{
	struct stat st;

	att->fd = open(memory_file, O_RDWR | O_CLOEXEC);
	if (att->fd < 0) {
		snprintf(message, message_len, "memory file %s: %s", memory_file, strerror(errno));
		return false;
	}
	if (fstat(att->fd, &st) != 0 || (uint64_t)st.st_size < gpa + MIG_REGION_SIZE) {
		snprintf(message, message_len,
			 "memory file %s is %lld bytes; the MigrationPage region needs %llu",
			 memory_file, (long long)st.st_size,
			 (unsigned long long)(gpa + MIG_REGION_SIZE));
		return false;
	}
	att->region =
	    mmap(NULL, MIG_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, att->fd, (off_t)gpa);
	if (att->region == MAP_FAILED) {
		att->region = NULL;
		snprintf(message, message_len, "cannot map %s at 0x%llx: %s", memory_file,
			 (unsigned long long)gpa, strerror(errno));
		return false;
	}
	att->gpa = gpa;
	return true;
}

bool agent_attach(const char *memory_file, uint64_t gpa, uint64_t deadline_ns,
		  struct agent_attachment *att, char *message, size_t message_len)
{
	const struct mig_control *control;

	memset(att, 0, sizeof(*att));
	att->fd = -1;
	if (!map_region(memory_file, gpa, att, message, message_len)) {
		agent_detach(att);
		return false;
	}
	control = att->region;
	/* The SVSM publishes the magic last; until then the page is all zero. */
	while (__atomic_load_n(&control->magic, __ATOMIC_ACQUIRE) == 0 &&
	       net_now_ns() < deadline_ns) {
		struct timespec pause = {0, ATTACH_POLL_NS};

		nanosleep(&pause, NULL);
	}
	if (__atomic_load_n(&control->magic, __ATOMIC_ACQUIRE) == 0) {
		snprintf(message, message_len,
			 "the SVSM did not publish its control page before the timeout (magic "
			 "0x0000000000000000): is the VM running an svsm-migrate image?");
		agent_detach(att);
		return false;
	}
	if (!agent_check_control(att->region, message, message_len)) {
		agent_detach(att);
		return false;
	}
	return true;
}

void agent_detach(struct agent_attachment *att)
{
	if (att->region != NULL) {
		munmap(att->region, MIG_REGION_SIZE);
		att->region = NULL;
	}
	if (att->fd >= 0) {
		close(att->fd);
		att->fd = -1;
	}
}
