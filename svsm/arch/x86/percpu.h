/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state, reached through GS while in ring 0. The first three fields are used by the
 * SYSCALL entry path in isr.asm at fixed offsets.
 */
#ifndef SVSM_ARCH_X86_PERCPU_H
#define SVSM_ARCH_X86_PERCPU_H

#include <stdint.h>

#include "svsm/layout.h"
#include "svsm/types.h"

#define KERNEL_STACK_SIZE (32U * 1024U)
#define IST_STACK_SIZE	  (8U * 1024U)

struct gdt_tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
ABI_SIZE(struct gdt_tss, 104);
ABI_OFFSET(struct gdt_tss, rsp, 4);
ABI_OFFSET(struct gdt_tss, ist, 36);
ABI_OFFSET(struct gdt_tss, iomap_base, 102);

struct vcpu;

struct percpu {
	struct percpu *self;	   /* gs:0 */
	uint64_t kernel_stack_top; /* gs:8, loaded by the SYSCALL entry */
	uint64_t user_rsp;	   /* gs:16, scratch for the SYSCALL entry */
	uint32_t index;		   /* 0 is the SVSM's own CPU; 1.. are guest vCPUs */
	uint32_t apic_id;
	struct vcpu *vcpu; /* NULL on the SVSM's own CPU */
	volatile uint32_t online;
	volatile uint32_t tlb_flush_pending;
	volatile uint64_t ping_count;
	uint64_t gdt[7];
	struct gdt_tss tss;
} __attribute__((aligned(64)));
ABI_OFFSET(struct percpu, self, 0);
ABI_OFFSET(struct percpu, kernel_stack_top, 8);
ABI_OFFSET(struct percpu, user_rsp, 16);

extern struct percpu percpu_areas[SVSM_MAX_CPUS];
extern unsigned cpu_count; /* CPUs the loader reported, SVSM CPU included */

/* False until the boot CPU has loaded its GS base; before that only the boot CPU runs. */
extern volatile bool percpu_ready;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* Top of CPU `index`'s kernel stack (also TSS.RSP0). */
uint64_t percpu_stack_top(unsigned index);

/* Loads GDT, TSS, IDT and GS for CPU `index` and enables the CPU features the SVSM relies on. */
void cpu_setup(unsigned index);
/* Switches to `cr3` and enables SMEP/SMAP where available. */
void cpu_enable_protections(void);

static inline unsigned cpu_index(void)
{
	return percpu_ready ? this_cpu()->index : 0U;
}

#endif
