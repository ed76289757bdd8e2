/* SPDX-License-Identifier: MIT */
/*
 * What the SVSM hands the ring-3 guest payload on each vCPU. The SVSM writes this block into guest
 * memory and enters the payload with RDI = its GPA (guest memory is identity mapped). The guest
 * writes its heartbeat into the same block; the SVSM only ever reads guest-written fields.
 */
#ifndef SVSM_GUEST_ABI_H
#define SVSM_GUEST_ABI_H

#include "svsm/types.h"

#define GUEST_INFO_MAGIC 0x4f464e4954534547ULL /* "GESTINFO" */

struct guest_vcpu_info {
	uint64_t magic;
	uint32_t vcpu_index; /* 0 .. vcpu_count-1 */
	uint32_t vcpu_count;
	uint64_t region_gpa;	/* this vCPU's work region: page aligned, not yet validated */
	uint64_t region_size;	/* bytes, a multiple of 4 KiB */
	uint64_t seed;		/* workload PRNG seed for this vCPU */
	uint64_t writes_per_ms; /* 0 = as fast as possible */
	uint64_t tsc_per_ms;	/* for rate limiting in ring 3 with rdtsc */
	uint64_t max_steps;	/* 0 = run forever; otherwise report and idle after max_steps */
	uint64_t pvalidate_gpa; /* one guest page the payload may use for PVALIDATE requests */
	uint32_t action;	/* enum guest_action */
	uint32_t reserved;
	uint64_t probe_gpa; /* page used by GUEST_ACTION_TOUCH and GUEST_ACTION_WRITE_PROBE */
	/* Written by the guest. */
	volatile uint64_t heartbeat; /* workload steps (or probe writes) completed so far */
	volatile uint64_t checksum;  /* valid once state == GUEST_STATE_DONE */
	volatile uint32_t state;     /* enum guest_state */
	uint32_t reserved2;
};
ABI_SIZE(struct guest_vcpu_info, 112);
ABI_OFFSET(struct guest_vcpu_info, magic, 0);
ABI_OFFSET(struct guest_vcpu_info, vcpu_index, 8);
ABI_OFFSET(struct guest_vcpu_info, vcpu_count, 12);
ABI_OFFSET(struct guest_vcpu_info, region_gpa, 16);
ABI_OFFSET(struct guest_vcpu_info, region_size, 24);
ABI_OFFSET(struct guest_vcpu_info, seed, 32);
ABI_OFFSET(struct guest_vcpu_info, writes_per_ms, 40);
ABI_OFFSET(struct guest_vcpu_info, tsc_per_ms, 48);
ABI_OFFSET(struct guest_vcpu_info, max_steps, 56);
ABI_OFFSET(struct guest_vcpu_info, pvalidate_gpa, 64);
ABI_OFFSET(struct guest_vcpu_info, action, 72);
ABI_OFFSET(struct guest_vcpu_info, reserved, 76);
ABI_OFFSET(struct guest_vcpu_info, probe_gpa, 80);
ABI_OFFSET(struct guest_vcpu_info, heartbeat, 88);
ABI_OFFSET(struct guest_vcpu_info, checksum, 96);
ABI_OFFSET(struct guest_vcpu_info, state, 104);
ABI_OFFSET(struct guest_vcpu_info, reserved2, 108);

enum guest_action {
	GUEST_ACTION_WORKLOAD = 0, /* validate the region, then run the workload */
	GUEST_ACTION_TOUCH = 1,	   /* read probe_gpa once (tests: SVSM memory must fault) */
	GUEST_ACTION_WRITE_PROBE =
	    2, /* forever: write ++n to probe_gpa's first word, heartbeat = n */
	GUEST_ACTION_PVALIDATE = 3, /* validate the region only, report, then idle */
	GUEST_ACTION_REGISTERS = 4, /* forever: fill every GPR, x87/SSE control and XMM register
				     * from a counter, wait, check them all; heartbeat = rounds
				     * passed; state FAILED at the first register found changed */
};

enum guest_state {
	GUEST_STATE_BOOTING = 0,
	GUEST_STATE_VALIDATED = 1, /* region validated through PVALIDATE */
	GUEST_STATE_RUNNING = 2,
	GUEST_STATE_DONE = 3, /* max_steps reached, checksum written and reported */
	GUEST_STATE_FAILED = 4,
};

#endif
