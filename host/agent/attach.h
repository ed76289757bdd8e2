/* SPDX-License-Identifier: MIT */
/*
 * Attaching to a guest's MigrationPage region through the guest memory file (offset = GPA), at
 * the GPA the IGVM image implies. Nothing in the region is trusted until the control page shows
 * the magic, ABI version and ring geometry this agent was built for.
 */
#ifndef AGENT_ATTACH_H
#define AGENT_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/migrate_abi.h"

#define ATTACH_MESSAGE_MAX 320U

struct agent_attachment {
	int fd;
	void *region; /* MIG_REGION_SIZE bytes, shared with the SVSM */
	uint64_t gpa;
};

/*
 * Parses the IGVM image and returns the MigrationPage GPA. Images name no GPA explicitly today,
 * so this is LAYOUT_MIGRATION_GPA, after checking that the image is a valid IGVM file that puts
 * no page of its own inside the region (which would make it not an svsm-migrate image).
 */
bool agent_image_migration_gpa(const char *image_path, uint64_t *gpa, char *message,
			       size_t message_len);

/*
 * Maps the region of memory_file at gpa and waits (until deadline) for the SVSM to publish its
 * control page: a zero magic means it has not booted yet. false with message on a missing or
 * short file, a foreign magic, another ABI version or another ring geometry.
 */
bool agent_attach(const char *memory_file, uint64_t gpa, uint64_t deadline_ns,
		  struct agent_attachment *att, char *message, size_t message_len);
/* Checks a mapped control page; exposed for tests. */
bool agent_check_control(const void *region, char *message, size_t message_len);
void agent_detach(struct agent_attachment *att);

#endif
