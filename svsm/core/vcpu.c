/* SPDX-License-Identifier: MIT */
#include "svsm/core/vcpu.h"

#include <string.h>

#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/check.h"
#include "svsm/core/protocol.h"
#include "svsm/log.h"

static struct vcpu vcpus[SVSM_MAX_CPUS - 1];
static unsigned nr_vcpus;

unsigned vcpu_count(void)
{
	return nr_vcpus;
}

struct vcpu *vcpu_get(unsigned index)
{
	CHECK(index < nr_vcpus);
	return &vcpus[index];
}

struct vcpu *vcpu_current(void)
{
	return this_cpu()->vcpu;
}

void vcpu_init(unsigned count)
{
	CHECK(count <= ARRAY_SIZE(vcpus));
	nr_vcpus = count;
	for (unsigned i = 0; i < count; i++) {
		vcpus[i].index = i;
		vcpus[i].cpu = i + 1;
		vcpus[i].state = VCPU_OFFLINE;
	}
}

static void kick(const struct vcpu *v)
{
	apic_send_ipi(percpu_areas[v->cpu].apic_id, VEC_IPI_WAKE);
}

static void save_fpu(struct vcpu *v)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])v->fpu));
}

static void restore_fpu(struct vcpu *v)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*(uint8_t(*)[512])v->fpu));
}

static void reset_fpu(void)
{
	uint32_t mxcsr = 0x1F80;

	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

static _Noreturn void vcpu_loop(void *arg);

/* Abandons whatever the kernel stack holds and goes back to waiting for a start request. */
static _Noreturn void back_to_loop(struct vcpu *v)
{
	call_on_stack(percpu_stack_top(v->cpu), vcpu_loop, v);
}

/* A state that will be IRETQ'd to must describe ring 3 and nothing that could escape it. */
static void sanitize_guest_frame(struct trap_frame *f)
{
	f->cs = SEL_USER_CODE;
	f->ss = SEL_USER_DATA;
	f->rflags = (f->rflags | RFLAGS_IF | 0x2) & ~(RFLAGS_IOPL | RFLAGS_NT);
}

static _Noreturn void enter_loaded_state(struct vcpu *v)
{
	struct trap_frame f = v->regs;

	sanitize_guest_frame(&f);
	restore_fpu(v);
	trap_return_to(&f);
}

static _Noreturn void enter_guest(struct vcpu *v)
{
	/* Built on this stack, below its top: trap_return_to() pops it and the stack is dead after
	 * IRETQ; the next trap from ring 3 starts again at the top (TSS.RSP0). */
	struct trap_frame f;

	memset(&f, 0, sizeof(f));
	f.rip = v->start_rip;
	f.rsp = v->start_rsp;
	f.rdi = gpa_addr(v->start_info);
	f.cs = SEL_USER_CODE;
	f.ss = SEL_USER_DATA;
	f.rflags = RFLAGS_IF | 0x2;
	reset_fpu();
	trap_return_to(&f);
}

static _Noreturn void vcpu_loop(void *arg)
{
	struct vcpu *v = arg;

	if (v->state != VCPU_FAULTED) {
		__atomic_store_n(&v->state, VCPU_IDLE, __ATOMIC_RELEASE);
	}
	irq_disable();
	while (!__atomic_load_n(&v->start_requested, __ATOMIC_ACQUIRE)) {
		tlb_flush_if_pending();
		cpu_wait_for_interrupt();
	}
	v->start_requested = 0;
	v->stop_requested = 0;
	v->park_requested = 0;
	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
	if (v->start_from_regs) {
		v->start_from_regs = false;
		enter_loaded_state(v);
	}
	enter_guest(v);
}

_Noreturn void vcpu_cpu_main(unsigned cpu)
{
	struct vcpu *v = &vcpus[cpu - 1];

	CHECK(cpu >= 1 && cpu - 1 < nr_vcpus);
	this_cpu()->vcpu = v;
	back_to_loop(v);
}

void vcpu_start(unsigned index, gpa_t info, uint64_t rip, uint64_t rsp)
{
	struct vcpu *v = vcpu_get(index);

	CHECK(v->state == VCPU_IDLE || v->state == VCPU_FAULTED);
	v->start_info = info;
	v->start_rip = rip;
	v->start_rsp = rsp;
	memset(&v->fault, 0, sizeof(v->fault));
	v->reports = 0;
	if (v->state == VCPU_FAULTED) {
		v->state = VCPU_IDLE;
	}
	__atomic_store_n(&v->start_requested, 1U, __ATOMIC_RELEASE);
	kick(v);
}

void vcpu_stop(unsigned index)
{
	struct vcpu *v = vcpu_get(index);

	__atomic_store_n(&v->stop_requested, 1U, __ATOMIC_RELEASE);
	kick(v);
}

void vcpu_request_park(unsigned index)
{
	struct vcpu *v = vcpu_get(index);

	__atomic_store_n(&v->park_requested, 1U, __ATOMIC_RELEASE);
	kick(v);
}

void vcpu_resume(unsigned index)
{
	struct vcpu *v = vcpu_get(index);

	__atomic_store_n(&v->park_requested, 0U, __ATOMIC_RELEASE);
	kick(v);
}

bool vcpu_wait_state(unsigned index, enum vcpu_state state, uint64_t timeout_ns)
{
	struct vcpu *v = vcpu_get(index);
	uint64_t deadline = time_ns() + timeout_ns;

	while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != state) {
		if (time_ns() > deadline) {
			return false;
		}
		tlb_flush_if_pending();
		cpu_relax();
	}
	return true;
}

void vcpu_handle_syscall(struct trap_frame *frame)
{
	struct vcpu *v = vcpu_current();

	CHECK(v != NULL);
	v->syscalls++;
	protocol_handle(v, frame);
}

_Noreturn void vcpu_guest_fault(struct trap_frame *frame)
{
	struct vcpu *v = vcpu_current();

	CHECK(v != NULL);
	v->regs = *frame;
	v->fault.vector = frame->vector;
	v->fault.error_code = frame->error_code;
	v->fault.address = frame->vector == VEC_PF ? read_cr2() : 0;
	v->fault.rip = frame->rip;
	LOG_INFO("vcpu %u: guest fault vector %llu error %#llx address %#llx at rip %#llx; "
		 "vcpu stopped\n",
		 v->index, (unsigned long long)v->fault.vector,
		 (unsigned long long)v->fault.error_code, (unsigned long long)v->fault.address,
		 (unsigned long long)v->fault.rip);
	__atomic_store_n(&v->state, VCPU_FAULTED, __ATOMIC_RELEASE);
	back_to_loop(v);
}

static void park(struct vcpu *v, struct trap_frame *frame)
{
	v->regs = *frame;
	save_fpu(v);
	__atomic_store_n(&v->state, VCPU_PARKED, __ATOMIC_RELEASE);
	while (__atomic_load_n(&v->park_requested, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&v->stop_requested, __ATOMIC_ACQUIRE)) {
		tlb_flush_if_pending();
		cpu_wait_for_interrupt();
	}
	if (v->stop_requested) {
		return;
	}
	sanitize_guest_frame(&v->regs);
	*frame = v->regs;
	restore_fpu(v);
	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
}

void vcpu_before_guest_return(struct trap_frame *frame)
{
	struct vcpu *v = vcpu_current();

	CHECK(v != NULL);
	if (__atomic_load_n(&v->park_requested, __ATOMIC_ACQUIRE) && !v->stop_requested) {
		park(v, frame);
	}
	if (__atomic_load_n(&v->stop_requested, __ATOMIC_ACQUIRE)) {
		v->regs = *frame;
		LOG_DEBUG("vcpu %u: stopped on request\n", v->index);
		__atomic_store_n(&v->state, VCPU_IDLE, __ATOMIC_RELEASE);
		back_to_loop(v);
	}
}

bool vcpu_save_state(unsigned index, struct vcpu_saved_state *out)
{
	struct vcpu *v = vcpu_get(index);

	if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_PARKED) {
		return false;
	}
	memset(out, 0, sizeof(*out));
	out->magic = VCPU_STATE_MAGIC;
	out->version = VCPU_STATE_VERSION;
	out->size = sizeof(*out);
	out->regs = v->regs;
	memcpy(out->fpu, v->fpu, sizeof(out->fpu));
	return true;
}

static bool user_canonical(uint64_t va)
{
	return va < (1ULL << 47);
}

/* State from the stream was authenticated, but is still checked like any input: whatever it
 * says, it must not be able to fault the SVSM (FXRSTOR of reserved MXCSR bits) or leave ring 3. */
static bool state_acceptable(const struct vcpu_saved_state *s)
{
	uint32_t mxcsr;

	if (s->magic != VCPU_STATE_MAGIC || s->version != VCPU_STATE_VERSION ||
	    s->size != sizeof(*s)) {
		return false;
	}
	if (s->regs.cs != SEL_USER_CODE || s->regs.ss != SEL_USER_DATA ||
	    !user_canonical(s->regs.rip) || !user_canonical(s->regs.rsp) ||
	    (s->regs.rflags & (RFLAGS_IOPL | RFLAGS_NT)) != 0) {
		return false;
	}
	memcpy(&mxcsr, &s->fpu[24], sizeof(mxcsr));
	return (mxcsr & 0xFFFF0000U) == 0;
}

bool vcpu_load_state(unsigned index, const struct vcpu_saved_state *in)
{
	struct vcpu *v = vcpu_get(index);

	/* Only a vCPU with no guest context (idle, or stopped after a fault) takes new state. */
	if ((v->state != VCPU_IDLE && v->state != VCPU_FAULTED) || !state_acceptable(in)) {
		return false;
	}
	v->state = VCPU_IDLE;
	v->regs = in->regs;
	memcpy(v->fpu, in->fpu, sizeof(v->fpu));
	v->start_from_regs = true;
	return true;
}

void vcpu_start_loaded(unsigned index)
{
	struct vcpu *v = vcpu_get(index);

	CHECK(v->state == VCPU_IDLE && v->start_from_regs);
	__atomic_store_n(&v->start_requested, 1U, __ATOMIC_RELEASE);
	kick(v);
}
