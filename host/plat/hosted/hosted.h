/* SPDX-License-Identifier: MIT */
/*
 * The hosted platform: a Linux process that is a small VM. Physical memory is one shared memory
 * file (offset = GPA) mapped twice: the SVSM's view of all of it, and the guest's view of guest
 * RAM only, whose protection the RMP model changes. vCPUs are threads running the deterministic
 * workload (include/svsm/workload.h) from a state struct that plays the role of registers.
 *
 * This header is what the VM program and the tests use on top of include/svsm/plat.h.
 */
#ifndef HOSTED_HOSTED_H
#define HOSTED_HOSTED_H

#include <stdbool.h>
#include <stdint.h>

#include "svsm/types.h"

#define HOSTED_MEASUREMENT_LEN 48U
/* vCPU i is SVSM CPU i + 1; CPU 0 is the migration handler's (plat_send_ipi numbering). */
#define HOSTED_MAX_VCPUS 15U

enum hosted_status {
	HOSTED_OK = 0,
	HOSTED_ERR_RAM_SIZE,	/* not a 2 MiB multiple above the SVSM region, or above 4 GiB */
	HOSTED_ERR_VCPUS,	/* 0 or more than HOSTED_MAX_VCPUS */
	HOSTED_ERR_FILE,	/* the memory file cannot be created, sized or mapped */
	HOSTED_ERR_NOT_SHMEM,	/* the memory file is not on tmpfs (needed for write protection) */
	HOSTED_ERR_USERFAULTFD, /* the kernel refused userfaultfd with minor faults and WP on shmem
				 */
	HOSTED_ERR_MEMMAP,	/* the memory map does not parse */
	HOSTED_ERR_THREAD,	/* a thread could not be created */
};

const char *hosted_status_str(enum hosted_status status);

struct hosted_config {
	const char *memory_file;
	uint64_t ram_size;
	unsigned vcpus;
	/* The launch digest the emulated PSP reports as MEASUREMENT. */
	uint8_t measurement[HOSTED_MEASUREMENT_LEN];
};

/* Creates (truncating) and maps the memory file, sets up the RMP model and the vCPUs, and
 * initialises svsm/core/guest_mem from an IGVM memory map of [0, ram_size). One VM per process
 * at a time; *errno_out gets the errno behind a failure (0 if none). */
enum hosted_status hosted_vm_create(const struct hosted_config *config, int *errno_out);
/* Stops and joins every thread and unmaps the memory; a new VM may be created afterwards. */
void hosted_vm_destroy(void);

/* The SVSM's view of its own region [0, LAYOUT_SVSM_REGION_END): where the MigrationPage region
 * and the policy page live. NULL outside it. */
void *hosted_svsm_ptr(uint64_t gpa, uint64_t len);

/* Faults the guest view took on pages it had no permission for (each blocked the vCPU until a
 * permission change let it go on), and the last such GPA. */
uint64_t hosted_blocked_faults(void);
gpa_t hosted_last_blocked_gpa(void);
/* The guest view's current protection of a page, as the RMP model holds it. */
enum hosted_page_access {
	HOSTED_ACCESS_NONE = 0,
	HOSTED_ACCESS_READ = 1,
	HOSTED_ACCESS_WRITE = 3,
};
enum hosted_page_access hosted_page_access(gpa_t page);

/* --- vCPUs -------------------------------------------------------------------------------- */

enum hosted_vcpu_run {
	HOSTED_VCPU_OFFLINE = 0, /* never started here */
	HOSTED_VCPU_BOOTING,	 /* validating its region */
	HOSTED_VCPU_RUNNING,	 /* stepping the workload */
	HOSTED_VCPU_PARKED,	 /* at a safe point, state saved, waiting for resume */
	HOSTED_VCPU_DONE,   /* steps and idle time done, checksum computed; waits at a safe point */
	HOSTED_VCPU_FAILED, /* could not validate its region, or a loaded region is not valid */
	HOSTED_VCPU_STOPPED, /* thread ended (VM shutting down) */
	HOSTED_VCPU_IDLE,    /* max_steps reached; beating without writing until idle_ns ran */
};

const char *hosted_vcpu_run_str(enum hosted_vcpu_run run);

struct hosted_guest_params {
	gpa_t region;
	uint64_t region_size; /* bytes, a non-zero multiple of 4 KiB */
	uint64_t seed;
	uint64_t max_steps;	/* 0 = run until stopped */
	uint64_t writes_per_ms; /* 0 = as fast as possible */
	uint64_t idle_ns; /* after max_steps (needs max_steps != 0): running time spent idle */
};

/* Far above anything useful (a day); it only keeps hostile idle times out of the arithmetic. */
#define HOSTED_MAX_IDLE_NS (86400ULL * 1000000000ULL)

/* Boots a vCPU that never ran: it validates its region through guest_mem_pvalidate (the guest's
 * PVALIDATE path) and then runs the workload; after max_steps it idles for idle_ns of its own
 * running time (sleeps of about 1 ms, one heartbeat each, no writes) and then finishes. False if
 * the vCPU is not OFFLINE or the parameters are unusable (region outside guest RAM, not page
 * aligned, empty; idle_ns above HOSTED_MAX_IDLE_NS or without max_steps). */
bool hosted_vcpu_launch(unsigned vcpu, const struct hosted_guest_params *params);
enum hosted_vcpu_run hosted_vcpu_run_state(unsigned vcpu);
/* The guest's heartbeat, readable at any time: workload steps plus idle beats done so far. */
uint64_t hosted_vcpu_heartbeat(unsigned vcpu);

struct hosted_vcpu_result {
	uint64_t seed;
	uint64_t steps;
	uint64_t region_size;
	uint64_t checksum;     /* valid when done */
	uint64_t max_gap_ns;   /* largest wall-clock gap between consecutive heartbeats */
	uint64_t idle_ns;      /* idle time asked */
	uint64_t idle_done_ns; /* idle time slept so far (parked or withheld time excluded) */
	uint64_t idle_beats;   /* heartbeats of the idle phase */
	bool done;
};
/* Consistent only while the vCPU is DONE, PARKED, FAILED or STOPPED. */
void hosted_vcpu_result(unsigned vcpu, struct hosted_vcpu_result *out);

/* Models a host that stops scheduling a vCPU: it reaches no safe point until released. */
void hosted_vcpu_set_withheld(unsigned vcpu, bool withheld);

/* A vCPU's saved state (plat_vcpu_save_state), version 2 (1 had no idle phase): fixed
 * little-endian fields at these byte offsets. Loading checks every field (plat_vcpu_load_state). */
#define HOSTED_STATE_MAGIC   0x5550435654534f48ULL /* "HOSTVCPU" */
#define HOSTED_STATE_VERSION 2U
#define HOSTED_STATE_SIZE    128U
enum hosted_state_offset {
	HOSTED_STATE_OFF_MAGIC = 0,	   /* u64 */
	HOSTED_STATE_OFF_VERSION = 8,	   /* u32 */
	HOSTED_STATE_OFF_SIZE = 12,	   /* u32: HOSTED_STATE_SIZE */
	HOSTED_STATE_OFF_INDEX = 16,	   /* u32: the vCPU it belongs to */
	HOSTED_STATE_OFF_FLAGS = 20,	   /* u32: HOSTED_STATE_FLAG_* */
	HOSTED_STATE_OFF_REGION = 24,	   /* u64: GPA */
	HOSTED_STATE_OFF_REGION_SIZE = 32, /* u64 */
	HOSTED_STATE_OFF_SEED = 40,	   /* u64 */
	HOSTED_STATE_OFF_MAX_STEPS = 48,   /* u64 */
	HOSTED_STATE_OFF_RATE = 56,	   /* u64: writes per ms */
	HOSTED_STATE_OFF_PRNG = 64,	   /* u64: workload generator */
	HOSTED_STATE_OFF_STEPS = 72,	   /* u64 */
	HOSTED_STATE_OFF_CHECKSUM = 80,	   /* u64 */
	HOSTED_STATE_OFF_LAST_BEAT = 88,   /* u64: CLOCK_REALTIME ns of the last heartbeat */
	HOSTED_STATE_OFF_MAX_GAP = 96,	   /* u64 */
	HOSTED_STATE_OFF_IDLE = 104,	   /* u64: idle time asked, ns */
	HOSTED_STATE_OFF_IDLE_DONE = 112,  /* u64: idle time slept so far, ns */
	HOSTED_STATE_OFF_IDLE_BEATS = 120, /* u64: heartbeats of the idle phase so far */
};
#define HOSTED_STATE_FLAG_VALIDATED 0x1U /* the region went through PVALIDATE for the guest */
#define HOSTED_STATE_FLAG_DONE	    0x2U /* max_steps and idle time reached, checksum valid */
#define HOSTED_STATE_FLAG_FAILED    0x4U /* the region could not be validated: guest stopped */

/* Waits for the handler CPU's next IPI (plat_send_ipi(0, ...)) or the timeout. */
void hosted_handler_wait(uint64_t timeout_ns);

/* Internal to the platform (plat.c <-> vcpu.c). */
void hosted_vcpus_init(unsigned count);
void hosted_vcpus_shutdown(void);
uint8_t *hosted_guest_view(gpa_t gpa, uint64_t len);

#endif
