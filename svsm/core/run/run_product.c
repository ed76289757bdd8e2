/* SPDX-License-Identifier: MIT */
/*
 * The product image's main loop on the SVSM's own CPU. A normally booted image runs the
 * deterministic guest workload on every vCPU and serves migration commands from the host
 * (the migration handler); an image booted in receive mode waits for a migration stream and
 * resumes the guest only on GO. Either way the console shows a live line per vCPU, and each
 * vCPU's final result is printed so the host can recompute it from the seed and step count
 * (tools/workload-verify).
 */
#include "svsm/arch/x86/apic.h"
#include "svsm/core/console.h"
#include "svsm/core/guest.h"
#include "svsm/core/svsm.h"
#include "svsm/core/vcpu.h"
#include "svsm/crypto/policy.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/migrate/migrate.h"
#include "svsm/plat.h"

#define DEMO_STEPS	 12000000ULL
#define DEMO_SEED_BASE	 0x5EED0000ULL
#define RUN_TIMEOUT_NS	 (900ULL * 1000000000ULL)
#define STATUS_PERIOD_NS 500000000ULL

static const char *state_name(uint32_t state)
{
	static const char *const names[] = {"booting", "validated", "running", "done", "failed"};

	return state < 5 ? names[state] : "?";
}

static void launch_workload(void)
{
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct guest_launch l = {
		    .action = GUEST_ACTION_WORKLOAD,
		    .seed = DEMO_SEED_BASE + i,
		    .max_steps = DEMO_STEPS,
		};

		guest_launch(i, &l);
	}
}

/* One line per vCPU; true when every vCPU finished its steps. */
static bool show_progress(bool print)
{
	bool all_done = true;

	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct guest_vcpu_info info;

		if (!guest_read_info(i, &info)) {
			return false;
		}
		if (print) {
			console_printf("[workload] vcpu %u: %-9s steps %10llu / %llu\n", i,
				       state_name(info.state), (unsigned long long)info.heartbeat,
				       (unsigned long long)DEMO_STEPS);
		}
		all_done = all_done && info.state == GUEST_STATE_DONE;
	}
	return all_done;
}

static void print_results(void)
{
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct guest_vcpu_info info;

		if (!guest_read_info(i, &info)) {
			continue;
		}
		console_printf("[result] vcpu=%u seed=%#llx steps=%llu size=%llu checksum=%#llx\n",
			       i, (unsigned long long)info.seed, (unsigned long long)info.heartbeat,
			       (unsigned long long)info.region_size,
			       (unsigned long long)info.checksum);
	}
}

static bool guest_running_here(void)
{
	enum mig_status s = migrate_status();

	return s != MIG_STATUS_SOURCE_DONE && s != MIG_STATUS_TARGET_WAITING &&
	       s != MIG_STATUS_TARGET_HANDSHAKE && s != MIG_STATUS_TARGET_RECEIVING &&
	       s != MIG_STATUS_TARGET_ACKED && s != MIG_STATUS_TARGET_FAILED;
}

void svsm_run(void)
{
	struct migrate_config cfg = {
	    .region = va_ptr(va_init(LAYOUT_MIGRATION_GPA)),
	    .policy = va_ptr(va_init(LAYOUT_POLICY_GPA)),
	    .policy_len = POLICY_SIZE,
	};
	uint64_t deadline = time_ns() + RUN_TIMEOUT_NS;
	uint64_t next_status = 0;

	migrate_init(&cfg);
	if (!migrate_incoming()) {
		guest_init();
		launch_workload();
	}
	while (time_ns() < deadline) {
		bool print = time_ns() >= next_status;

		if (migrate_poll()) {
			console_printf("[migrate] %s%s%s\n", mig_status_str(migrate_status()),
				       migrate_error() ? ": " : "",
				       migrate_error() ? mig_error_str(migrate_error()) : "");
		}
		if (migrate_status() == MIG_STATUS_SOURCE_DONE ||
		    migrate_status() == MIG_STATUS_TARGET_FAILED) {
			return; /* the guest does not run here: nothing more to show */
		}
		if (print) {
			next_status = time_ns() + STATUS_PERIOD_NS;
		}
		if (guest_running_here() && show_progress(print)) {
			print_results();
			return;
		}
		time_delay_us(1000);
	}
	LOG_ERROR("the guest did not finish within %llu s\n",
		  (unsigned long long)(RUN_TIMEOUT_NS / 1000000000ULL));
}
