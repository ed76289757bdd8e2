/* SPDX-License-Identifier: MIT */
/*
 * The ring-3 guest payload. Every vCPU enters guest_entry() with RDI = its struct guest_vcpu_info
 * and a stack the SVSM set up in guest memory. All per-vCPU state lives on that stack or in the
 * info block: the image is shared by every vCPU and has no writable globals.
 */
#include "svsm/layout.h"
#include "svsm/workload.h"

#include "guest.h"
#include "svsm_call.h"

/* The linker script places the payload at GUEST_LINK_BASE; it must be where the SVSM expects it. */
_Static_assert(GUEST_LINK_BASE == LAYOUT_GUEST_PAYLOAD_GPA, "guest.ld base matches layout.h");
_Static_assert(GUEST_LINK_MAX == LAYOUT_GUEST_PAYLOAD_MAX, "guest.ld size matches layout.h");

noreturn void guest_entry(struct guest_vcpu_info *info);
noreturn void guest_check_registers(struct guest_vcpu_info *info);

static uint64_t rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* At most writes_per_ms steps in each tsc_per_ms window; a late window restarts at "now", so a
 * pause (such as a migration) is not followed by a burst. */
struct pacer {
	uint64_t writes_per_ms;
	uint64_t tsc_per_ms;
	uint64_t window_start;
	uint64_t in_window;
};

static void pacer_init(struct pacer *pacer, const struct guest_vcpu_info *info)
{
	pacer->writes_per_ms = info->writes_per_ms;
	pacer->tsc_per_ms = info->tsc_per_ms;
	pacer->window_start = rdtsc();
	pacer->in_window = 0;
}

static void pacer_wait_turn(struct pacer *pacer)
{
	uint64_t now;

	if (pacer->writes_per_ms == 0 || pacer->tsc_per_ms == 0) {
		return;
	}
	if (pacer->in_window < pacer->writes_per_ms) {
		pacer->in_window++;
		return;
	}
	for (now = rdtsc(); now - pacer->window_start < pacer->tsc_per_ms; now = rdtsc()) {
		__asm__ volatile("pause");
	}
	pacer->window_start = now;
	pacer->in_window = 1;
}

static const char *action_name(uint32_t action)
{
	switch (action) {
	case GUEST_ACTION_WORKLOAD:
		return "workload";
	case GUEST_ACTION_TOUCH:
		return "touch";
	case GUEST_ACTION_WRITE_PROBE:
		return "write-probe";
	case GUEST_ACTION_PVALIDATE:
		return "pvalidate";
	case GUEST_ACTION_REGISTERS:
		return "registers";
	}
	return "unknown";
}

static void log_start(struct guest_vcpu_info *info)
{
	struct log_line line;
	uint64_t result;

	line_start(&line, info);
	line_str(&line, "action ");
	line_str(&line, action_name(info->action));
	if (info->action == GUEST_ACTION_WORKLOAD || info->action == GUEST_ACTION_PVALIDATE) {
		line_str(&line, " region ");
		line_hex(&line, info->region_gpa);
		line_str(&line, " size ");
		line_hex(&line, info->region_size);
	}
	result = line_send(&line);
	if (result != SVSM_SUCCESS) {
		guest_fail(info, "log write", result);
	}
}

/* The region must be whole pages; the SVSM itself checks the pages are guest RAM. */
static void validate_region_or_fail(struct guest_vcpu_info *info)
{
	uint64_t result;

	if (info->region_size == 0 || info->region_size % PAGE_SIZE != 0 ||
	    info->region_gpa % PAGE_SIZE != 0) {
		guest_fail(info, "region check", info->region_size);
	}
	result = guest_validate_region(info);
	if (result != SVSM_SUCCESS) {
		guest_fail(info, "pvalidate", result);
	}
	info->state = GUEST_STATE_VALIDATED;
}

static void report_or_fail(struct guest_vcpu_info *info, uint64_t value, uint64_t checksum)
{
	uint64_t result = svsm_call(SVSM_PROTOCOL_LOG, SVSM_LOG_REPORT, value, checksum, 0);

	if (result != SVSM_SUCCESS) {
		guest_fail(info, "report", result);
	}
}

static noreturn void run_workload(struct guest_vcpu_info *info)
{
	uint64_t *region = gpa_to_ptr(info->region_gpa);
	uint64_t words = info->region_size / WORKLOAD_WORD_SIZE;
	uint64_t max_steps = info->max_steps;
	struct workload workload;
	struct pacer pacer;
	uint64_t checksum;

	validate_region_or_fail(info);
	workload_init(&workload, info->seed);
	pacer_init(&pacer, info);
	info->state = GUEST_STATE_RUNNING;
	while (max_steps == 0 || workload.steps < max_steps) {
		pacer_wait_turn(&pacer);
		workload_step(&workload, region, words);
		info->heartbeat = workload.steps;
	}
	checksum = workload_checksum(region, words);
	info->checksum = checksum;
	report_or_fail(info, workload.steps, checksum);
	info->state = GUEST_STATE_DONE;
	guest_idle();
}

static noreturn void run_pvalidate(struct guest_vcpu_info *info)
{
	validate_region_or_fail(info);
	report_or_fail(info, info->region_size / PAGE_SIZE, 0);
	guest_idle();
}

static noreturn void run_touch(struct guest_vcpu_info *info)
{
	const volatile uint8_t *probe = gpa_to_ptr(info->probe_gpa);

	(void)*probe;
	/* Still here: the SVSM let ring 3 read memory it should not see. */
	guest_fail(info, "touch probe (read did not fault)", info->probe_gpa);
}

static noreturn void run_write_probe(struct guest_vcpu_info *info)
{
	volatile uint64_t *probe = gpa_to_ptr(info->probe_gpa);

	for (uint64_t n = 1;; n++) {
		*probe = n;
		info->heartbeat = n;
	}
}

__attribute__((section(".text.guest_entry"))) noreturn void
guest_entry(struct guest_vcpu_info *info)
{
	if (info->magic != GUEST_INFO_MAGIC) {
		guest_fail(info, "info magic check", info->magic);
	}
	log_start(info);
	switch (info->action) {
	case GUEST_ACTION_WORKLOAD:
		run_workload(info);
	case GUEST_ACTION_TOUCH:
		run_touch(info);
	case GUEST_ACTION_WRITE_PROBE:
		run_write_probe(info);
	case GUEST_ACTION_PVALIDATE:
		run_pvalidate(info);
	case GUEST_ACTION_REGISTERS:
		info->state = GUEST_STATE_RUNNING;
		guest_check_registers(info);
	}
	guest_fail(info, "unknown action", info->action);
}
