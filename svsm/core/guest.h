/* SPDX-License-Identifier: MIT */
/*
 * Launching the guest payload on the vCPUs. Below the guests' work regions the SVSM lays out,
 * per vCPU, a control area of guest memory (validated for the guest, like firmware pages):
 *   +0       struct guest_vcpu_info
 *   +4 KiB   the page the payload builds PVALIDATE requests in
 *   +8 KiB   stack (56 KiB)
 */
#ifndef SVSM_CORE_GUEST_H
#define SVSM_CORE_GUEST_H

#include "svsm/guest_abi.h"
#include "svsm/types.h"

#define GUEST_CONTROL_AREA_SIZE (64ULL * 1024)
#define GUEST_CONTROL_BASE	(LAYOUT_GUEST_PAYLOAD_GPA + LAYOUT_GUEST_PAYLOAD_MAX)
#define GUEST_WORK_BASE		(GUEST_CONTROL_BASE + SVSM_MAX_CPUS * GUEST_CONTROL_AREA_SIZE)

struct guest_launch {
	enum guest_action action;
	uint64_t region_size; /* 0: an equal share of the guest work memory */
	uint64_t seed;
	uint64_t writes_per_ms;
	uint64_t max_steps;
	gpa_t probe;
};

/* Validates the payload window and every control area (the loader placed them). */
void guest_init(void);
/* Region a vCPU gets by default: guest work memory split evenly, 2 MiB aligned. */
void guest_default_region(unsigned vcpu, gpa_t *start, uint64_t *size);
/* Writes the vCPU's info block and starts the payload on it. */
void guest_launch(unsigned vcpu, const struct guest_launch *launch);
/* Reads back the info block the guest shares with the SVSM. The copy is not atomic: a vCPU
 * running meanwhile can make it torn (heartbeat from before, state from after). */
bool guest_read_info(unsigned vcpu, struct guest_vcpu_info *info);
/* The guest's heartbeat (steps or rounds done); 0 when the info block cannot be read. */
uint64_t guest_heartbeat(unsigned vcpu);
/* Waits until the guest reports DONE or FAILED, after which it writes nothing more, and returns a
 * consistent copy taken after that. False on timeout. */
bool guest_wait_finished(unsigned vcpu, uint64_t timeout_ns, struct guest_vcpu_info *info);
gpa_t guest_info_gpa(unsigned vcpu);
/* Stops the vCPU and invalidates every page of its default region, as a guest reboot would. */
void guest_reset(unsigned vcpu);

#endif
