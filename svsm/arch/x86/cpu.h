/* SPDX-License-Identifier: MIT */
/* Thin wrappers over x86-64 instructions and registers used by the SVSM. */
#ifndef SVSM_ARCH_X86_CPU_H
#define SVSM_ARCH_X86_CPU_H

#include <stdint.h>

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)

#define CR4_PAE	       (1ULL << 5)
#define CR4_PGE	       (1ULL << 7)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_SMEP       (1ULL << 20)
#define CR4_SMAP       (1ULL << 21)

#define MSR_EFER	   0xC0000080U
#define MSR_STAR	   0xC0000081U
#define MSR_LSTAR	   0xC0000082U
#define MSR_SFMASK	   0xC0000084U
#define MSR_FS_BASE	   0xC0000100U
#define MSR_GS_BASE	   0xC0000101U
#define MSR_KERNEL_GS_BASE 0xC0000102U
#define MSR_APIC_BASE	   0x1BU
#define MSR_PAT		   0x277U

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_NXE (1ULL << 11)

#define RFLAGS_IF   (1ULL << 9)
#define RFLAGS_TF   (1ULL << 8)
#define RFLAGS_DF   (1ULL << 10)
#define RFLAGS_AC   (1ULL << 18)
#define RFLAGS_NT   (1ULL << 14)
#define RFLAGS_IOPL (3ULL << 12)

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

#define DEFINE_CR_ACCESSORS(n)                                                                     \
	static inline uint64_t read_cr##n(void)                                                    \
	{                                                                                          \
		uint64_t v;                                                                        \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}                                                                                          \
	static inline void write_cr##n(uint64_t v)                                                 \
	{                                                                                          \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(subleaf));
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline uint64_t irq_save(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF) {
		irq_enable();
	}
}

/* Waits for an interrupt with interrupts enabled, then disables them again. */
static inline void cpu_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static inline void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void flush_tlb_local(void)
{
	write_cr3(read_cr3());
}

static inline void wrgsbase_msr(uint64_t v)
{
	wrmsr(MSR_GS_BASE, v);
}

#endif
