/* SPDX-License-Identifier: MIT */
/*
 * Guest vCPUs. Each guest vCPU is one CPU of the SVSM: its SVSM context runs in ring 0 and its
 * guest context in ring 3. The SVSM's own CPU (index 0) drives them through requests (start,
 * stop, park, resume) that a vCPU acts on whenever it is in the SVSM: at a trap, a SYSCALL, or
 * because an IPI brought it there.
 */
#ifndef SVSM_CORE_VCPU_H
#define SVSM_CORE_VCPU_H

#include "svsm/arch/x86/trap.h"
#include "svsm/types.h"

enum vcpu_state {
	VCPU_OFFLINE = 0,
	VCPU_IDLE,    /* in the SVSM, no guest context */
	VCPU_RUNNING, /* guest context live (in ring 3, or in the SVSM on its behalf) */
	VCPU_PARKED,  /* guest state saved in struct vcpu; waits for resume */
	VCPU_FAULTED, /* the guest faulted; the SVSM stopped it and kept the fault */
};

struct vcpu_fault {
	uint64_t vector;
	uint64_t error_code;
	uint64_t address; /* CR2 for #PF */
	uint64_t rip;
};

struct vcpu {
	unsigned index; /* guest vCPU number, 0-based */
	unsigned cpu;	/* SVSM CPU that runs it */
	volatile uint32_t state;
	volatile uint32_t start_requested;
	volatile uint32_t stop_requested;
	volatile uint32_t park_requested;
	bool start_from_regs; /* start from `regs`/`fpu` (loaded state) instead of the payload entry
			       */
	gpa_t start_info;
	uint64_t start_rip;
	uint64_t start_rsp;
	struct trap_frame regs; /* valid while PARKED, FAULTED, or stopped */
	uint8_t fpu[512] __attribute__((aligned(16)));
	struct vcpu_fault fault;
	volatile uint64_t reports;
	volatile uint64_t report_value0;
	volatile uint64_t report_value1;
	volatile uint64_t syscalls;
};

unsigned vcpu_count(void);
struct vcpu *vcpu_get(unsigned index);
struct vcpu *vcpu_current(void); /* NULL on the SVSM's own CPU */

void vcpu_init(unsigned count);
/* Runs on each guest CPU after it came online; never returns. */
_Noreturn void vcpu_cpu_main(unsigned cpu);

/* Requests from the SVSM's own CPU. */
void vcpu_start(unsigned index, gpa_t info, uint64_t rip, uint64_t rsp);
void vcpu_stop(unsigned index);
void vcpu_request_park(unsigned index);
void vcpu_resume(unsigned index);
/* Migration: the saved state of a PARKED vCPU, and loading state into an IDLE vCPU that then
 * starts from it (vcpu_start_loaded). */
#define VCPU_STATE_MAGIC   0x31544154535550FULL
#define VCPU_STATE_VERSION 1U
struct vcpu_saved_state {
	uint64_t magic;
	uint32_t version;
	uint32_t size;
	struct trap_frame regs;
	uint8_t fpu[512];
};
ABI_SIZE(struct vcpu_saved_state, 16 + 176 + 512);
ABI_OFFSET(struct vcpu_saved_state, regs, 16);
ABI_OFFSET(struct vcpu_saved_state, fpu, 192);

bool vcpu_save_state(unsigned index, struct vcpu_saved_state *out);
bool vcpu_load_state(unsigned index, const struct vcpu_saved_state *in);
void vcpu_start_loaded(unsigned index);

/* Waits until the vCPU reaches `state` or the timeout passes. */
bool vcpu_wait_state(unsigned index, enum vcpu_state state, uint64_t timeout_ns);

/* Trap-side hooks (svsm/arch/x86/traps.c). */
void vcpu_handle_syscall(struct trap_frame *frame);
_Noreturn void vcpu_guest_fault(struct trap_frame *frame);
void vcpu_before_guest_return(struct trap_frame *frame);

#endif
