/* SPDX-License-Identifier: MIT */
/* GDT, TSS with IST stacks, IDT, and the per-CPU feature set-up of every CPU. */
#include "svsm/arch/x86/cpu.h"

#include <string.h>

#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/check.h"

struct percpu percpu_areas[SVSM_MAX_CPUS];
unsigned cpu_count = 1;
volatile bool percpu_ready;

static uint8_t kernel_stacks[SVSM_MAX_CPUS][KERNEL_STACK_SIZE] __attribute__((aligned(4096)));
static uint8_t ist_stacks[SVSM_MAX_CPUS][2][IST_STACK_SIZE] __attribute__((aligned(4096)));

#define IST_DOUBLE_FAULT 1U
#define IST_NMI_MCE	 2U

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
ABI_SIZE(struct idt_entry, 16);

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
extern const uint64_t isr_stub_table[256];
extern void syscall_entry(void);

static void idt_set(unsigned vector, uint64_t handler, uint8_t ist, uint8_t dpl)
{
	idt[vector] = (struct idt_entry){
	    .offset_low = (uint16_t)handler,
	    .selector = SEL_KERNEL_CODE,
	    .ist = ist,
	    .type_attr = (uint8_t)(0x8E | (dpl << 5)), /* present, 64-bit interrupt gate */
	    .offset_mid = (uint16_t)(handler >> 16),
	    .offset_high = (uint32_t)(handler >> 32),
	    .reserved = 0,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		idt_set(v, isr_stub_table[v], 0, 0);
	}
	idt_set(VEC_DF, isr_stub_table[VEC_DF], IST_DOUBLE_FAULT, 0);
	idt_set(VEC_NMI, isr_stub_table[VEC_NMI], IST_NMI_MCE, 0);
	idt_set(VEC_MC, isr_stub_table[VEC_MC], IST_NMI_MCE, 0);
}

void idt_load(void)
{
	struct descriptor_pointer p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	__asm__ volatile("lidt %0" : : "m"(p));
}

static void gdt_build(struct percpu *pc)
{
	uint64_t tss = (uint64_t)(uintptr_t)&pc->tss;
	uint64_t limit = sizeof(pc->tss) - 1;

	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00AF9A000000FFFFULL; /* kernel code, 64-bit */
	pc->gdt[2] = 0x00CF92000000FFFFULL; /* kernel data */
	pc->gdt[3] = 0x00CFF2000000FFFFULL; /* user data, DPL 3 */
	pc->gdt[4] = 0x00AFFA000000FFFFULL; /* user code, 64-bit, DPL 3 */
	pc->gdt[5] = (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) | (0x89ULL << 40) |
		     (((limit >> 16) & 0xF) << 48) | (((tss >> 24) & 0xFF) << 56);
	pc->gdt[6] = tss >> 32;
}

static void gdt_load(struct percpu *pc)
{
	struct descriptor_pointer p = {sizeof(pc->gdt) - 1, (uint64_t)(uintptr_t)pc->gdt};

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"((uint64_t)SEL_KERNEL_CODE), "r"((uint32_t)SEL_KERNEL_DATA),
			   "r"((uint32_t)SEL_TSS)
			 : "rax", "memory");
}

static bool cpu_has(uint32_t leaf, unsigned reg, unsigned bit)
{
	uint32_t r[4];

	cpuid(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return (r[reg] >> bit) & 1U;
}

uint64_t percpu_stack_top(unsigned index)
{
	CHECK(index < SVSM_MAX_CPUS);
	return (uint64_t)(uintptr_t)(kernel_stacks[index] + sizeof(kernel_stacks[index]));
}

void cpu_setup(unsigned index)
{
	struct percpu *pc = &percpu_areas[index];

	CHECK(index < SVSM_MAX_CPUS);
	pc->self = pc;
	pc->index = index;
	pc->kernel_stack_top = percpu_stack_top(index);
	memset(&pc->tss, 0, sizeof(pc->tss));
	pc->tss.rsp[0] = pc->kernel_stack_top;
	pc->tss.ist[IST_DOUBLE_FAULT - 1] =
	    (uint64_t)(uintptr_t)(ist_stacks[index][0] + sizeof(ist_stacks[index][0]));
	pc->tss.ist[IST_NMI_MCE - 1] =
	    (uint64_t)(uintptr_t)(ist_stacks[index][1] + sizeof(ist_stacks[index][1]));
	pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap: ring 3 has no port access */
	gdt_build(pc);
	gdt_load(pc);
	idt_load();
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	if (index == 0) {
		percpu_ready = true;
	}

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	/* SYSRET base 0x10 yields user SS 0x1B and user CS 0x23; SYSCALL loads CS 0x08, SS 0x10. */
	wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
	write_cr0((read_cr0() | CR0_WP | CR0_NE | CR0_MP) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void cpu_enable_protections(void)
{
	uint64_t cr4 = read_cr4();

	if (cpu_has(7, 1, 7)) {
		cr4 |= CR4_SMEP;
	}
	if (cpu_has(7, 1, 20)) {
		cr4 |= CR4_SMAP;
	}
	write_cr4(cr4);
}
