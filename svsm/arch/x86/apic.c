/* SPDX-License-Identifier: MIT */
#include "svsm/arch/x86/apic.h"

#include <string.h>

#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/paging.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/check.h"
#include "svsm/core/spinlock.h"
#include "svsm/layout.h"
#include "svsm/log.h"

#define APIC_BASE	   0xFEE00000ULL
#define APIC_REG_ID	   0x20U
#define APIC_REG_EOI	   0xB0U
#define APIC_REG_SVR	   0xF0U
#define APIC_REG_ESR	   0x280U
#define APIC_REG_ICR_LOW   0x300U
#define APIC_REG_ICR_HI	   0x310U
#define APIC_REG_LVT_TIMER 0x320U
#define APIC_ICR_BUSY	   (1U << 12)
#define APIC_ICR_INIT	   0x00000500U
#define APIC_ICR_STARTUP   0x00000600U
#define APIC_ICR_ASSERT	   0x00004000U
#define APIC_ICR_LEVEL	   0x00008000U

#define PIT_HZ 1193182ULL

static uint64_t tsc_per_ms;
static uint64_t tsc_boot;

static volatile uint32_t *apic_reg(uint32_t off)
{
	return va_ptr(va_init(APIC_BASE + off));
}

void apic_init(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ULL << 11));
	*apic_reg(APIC_REG_SVR) = 0x100U | VEC_APIC_SPURIOUS;
	*apic_reg(APIC_REG_LVT_TIMER) = 1U << 16; /* masked: timeouts use the TSC */
	*apic_reg(APIC_REG_ESR) = 0;
}

uint32_t apic_id(void)
{
	return *apic_reg(APIC_REG_ID) >> 24;
}

void apic_eoi(void)
{
	*apic_reg(APIC_REG_EOI) = 0;
}

static void apic_icr(uint32_t dest, uint32_t low)
{
	uint64_t flags = irq_save();

	while (*apic_reg(APIC_REG_ICR_LOW) & APIC_ICR_BUSY) {
		cpu_relax();
	}
	*apic_reg(APIC_REG_ICR_HI) = dest << 24;
	*apic_reg(APIC_REG_ICR_LOW) = low;
	while (*apic_reg(APIC_REG_ICR_LOW) & APIC_ICR_BUSY) {
		cpu_relax();
	}
	irq_restore(flags);
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	apic_icr(dest, vector);
}

/* PIT channel 2 one-shot of `ms` milliseconds, gated through port 0x61. */
static uint64_t pit_measure_tsc(unsigned ms)
{
	uint64_t count = PIT_HZ * ms / 1000;
	uint64_t start;

	outb(0x61, (uint8_t)((inb(0x61) & ~0x02U) | 0x01U));
	outb(0x43, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	start = rdtsc();
	while ((inb(0x61) & 0x20) == 0) {
		cpu_relax();
	}
	return rdtsc() - start;
}

void time_init(void)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 3; i++) {
		uint64_t t = pit_measure_tsc(10);

		best = t < best ? t : best;
	}
	tsc_per_ms = best / 10;
	CHECK(tsc_per_ms > 0);
	tsc_boot = rdtsc();
	LOG_INFO("time: TSC %llu kHz (calibrated against the PIT)\n",
		 (unsigned long long)tsc_per_ms);
}

uint64_t time_tsc_per_ms(void)
{
	return tsc_per_ms;
}

uint64_t time_ns(void)
{
	uint64_t ticks = rdtsc() - tsc_boot;

	return ticks / tsc_per_ms * 1000000ULL + (ticks % tsc_per_ms) * 1000000ULL / tsc_per_ms;
}

void time_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_per_ms * us / 1000;

	while ((int64_t)(rdtsc() - end) < 0) {
		tlb_flush_if_pending();
		cpu_relax();
	}
}

/* --- SMP start-up ----------------------------------------------------------------------- */

extern char ap_trampoline_start[], ap_trampoline_end[];
void ap_main(unsigned index);

struct ap_params {
	uint64_t cr3;
	uint64_t stack;
	uint64_t entry;
	uint64_t index;
};

unsigned smp_start_aps(unsigned cpus)
{
	volatile struct ap_params *params = va_ptr(va_init(LAYOUT_AP_PARAMS_GPA));
	unsigned online = 1;

	for (unsigned i = 1; i < cpus; i++) {
		struct percpu *pc = &percpu_areas[i];
		uint32_t target = i; /* QEMU numbers APIC IDs 0..n-1 */
		uint64_t deadline;

		params->cr3 = paging_root();
		params->stack = percpu_stack_top(i);
		params->entry = (uint64_t)(uintptr_t)ap_main;
		params->index = i;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		apic_icr(target, APIC_ICR_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
		time_delay_us(10000);
		for (int sipi = 0; sipi < 2 && !pc->online; sipi++) {
			apic_icr(target,
				 APIC_ICR_STARTUP | (uint32_t)(LAYOUT_AP_TRAMPOLINE_GPA >> 12));
			time_delay_us(200);
		}
		deadline = time_ns() + 2000000000ULL;
		while (!pc->online && time_ns() < deadline) {
			cpu_relax();
		}
		if (!pc->online) {
			LOG_WARN("smp: CPU %u did not come online\n", i);
			break;
		}
		online++;
	}
	return online;
}

/* --- TLB shootdown -------------------------------------------------------------------- */

static struct spinlock shootdown_lock = SPINLOCK_INIT;

void tlb_flush_if_pending(void)
{
	struct percpu *pc;

	if (!percpu_ready) {
		return;
	}
	pc = this_cpu();
	if (__atomic_load_n(&pc->tlb_flush_pending, __ATOMIC_ACQUIRE) != 0U) {
		flush_tlb_local();
		__atomic_store_n(&pc->tlb_flush_pending, 0U, __ATOMIC_RELEASE);
	}
}

void tlb_shootdown_all(void)
{
	uint64_t flags;
	unsigned self = this_cpu()->index;

	/* Waiting for the lock or for acks keeps servicing our own flush requests, so two CPUs that
	 * shoot down at once cannot wait for each other with interrupts off. */
	flags = irq_save();
	while (__atomic_exchange_n(&shootdown_lock.locked, 1U, __ATOMIC_ACQUIRE) != 0U) {
		tlb_flush_if_pending();
		cpu_relax();
	}
	for (unsigned i = 0; i < cpu_count; i++) {
		if (i != self && percpu_areas[i].online) {
			__atomic_store_n(&percpu_areas[i].tlb_flush_pending, 1U, __ATOMIC_RELEASE);
			apic_send_ipi(percpu_areas[i].apic_id, VEC_IPI_TLB);
		}
	}
	flush_tlb_local();
	for (unsigned i = 0; i < cpu_count; i++) {
		while (i != self && percpu_areas[i].online &&
		       __atomic_load_n(&percpu_areas[i].tlb_flush_pending, __ATOMIC_ACQUIRE) !=
			   0U) {
			tlb_flush_if_pending();
			cpu_relax();
		}
	}
	__atomic_store_n(&shootdown_lock.locked, 0U, __ATOMIC_RELEASE);
	irq_restore(flags);
}
