/* SPDX-License-Identifier: MIT */
/*
 * The product image's main job for now: run the deterministic guest workload on every vCPU, show
 * a live line per vCPU, and print each vCPU's result so the host can recompute it from the seed
 * and the step count (tools/workload-verify). Migration builds on this in later issues.
 */
#include "svsm/arch/x86/apic.h"
#include "svsm/core/console.h"
#include "svsm/core/guest.h"
#include "svsm/core/svsm.h"
#include "svsm/core/vcpu.h"
#include "svsm/log.h"

#define DEMO_STEPS     3000000ULL
#define DEMO_TIMEOUT_S 600ULL
#define DEMO_SEED_BASE 0x5EED0000ULL

static const char *state_name(uint32_t state)
{
	static const char *const names[] = {"booting", "validated", "running", "done", "failed"};

	return state < 5 ? names[state] : "?";
}

void svsm_run(void)
{
	unsigned n = vcpu_count();
	uint64_t deadline = time_ns() + DEMO_TIMEOUT_S * 1000000000ULL;
	bool all_done = false;

	for (unsigned i = 0; i < n; i++) {
		struct guest_launch l = {
			.action = GUEST_ACTION_WORKLOAD,
			.seed = DEMO_SEED_BASE + i,
			.max_steps = DEMO_STEPS,
		};

		guest_launch(i, &l);
	}
	while (!all_done && time_ns() < deadline) {
		time_delay_us(500000);
		all_done = true;
		for (unsigned i = 0; i < n; i++) {
			struct guest_vcpu_info info;

			if (!guest_read_info(i, &info) || vcpu_get(i)->state == VCPU_FAULTED) {
				LOG_ERROR("vcpu %u stopped unexpectedly\n", i);
				return;
			}
			console_printf("[workload] vcpu %u: %-9s steps %10llu / %llu\n", i,
				       state_name(info.state), (unsigned long long)info.heartbeat,
				       (unsigned long long)DEMO_STEPS);
			all_done = all_done && info.state == GUEST_STATE_DONE;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct guest_vcpu_info info;

		if (!guest_read_info(i, &info)) {
			continue;
		}
		console_printf("[result] vcpu=%u seed=%#llx steps=%llu size=%llu checksum=%#llx\n", i,
			       (unsigned long long)info.seed, (unsigned long long)info.heartbeat,
			       (unsigned long long)info.region_size,
			       (unsigned long long)info.checksum);
	}
	if (!all_done) {
		LOG_ERROR("workload did not finish within %llu s\n", (unsigned long long)DEMO_TIMEOUT_S);
	}
}
