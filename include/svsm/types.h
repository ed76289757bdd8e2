/* SPDX-License-Identifier: MIT */
/*
 * Typed addresses. Each kind of address is a one-field struct so that the compiler refuses to mix
 * them: a guest-named address can never be used where an SVSM-owned one is expected without an
 * explicit, greppable conversion.
 *
 *   gpa_t   a guest-physical address named by the guest or the host (hostile until validated)
 *   hpa_t   a physical address of memory the SVSM owns (what its page tables map)
 *   vaddr_t a virtual address in the SVSM's address space
 */
#ifndef SVSM_TYPES_H
#define SVSM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT     12
#define PAGE_SIZE      4096ULL
#define PAGE_MASK      (PAGE_SIZE - 1)
#define HUGE_PAGE_SIZE (2ULL * 1024 * 1024)

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b)                                                                                  \
	({                                                                                         \
		__typeof__(a) min_a_ = (a);                                                        \
		__typeof__(b) min_b_ = (b);                                                        \
		min_a_ < min_b_ ? min_a_ : min_b_;                                                 \
	})
#define MAX(a, b)                                                                                  \
	({                                                                                         \
		__typeof__(a) max_a_ = (a);                                                        \
		__typeof__(b) max_b_ = (b);                                                        \
		max_a_ > max_b_ ? max_a_ : max_b_;                                                 \
	})

/* Compile-time ABI checks: size and every offset of a struct shared across a trust boundary. */
#define ABI_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " size")
#define ABI_OFFSET(type, field, off)                                                               \
	_Static_assert(__builtin_offsetof(type, field) == (off), #type "." #field " offset")

typedef struct {
	uint64_t value;
} gpa_t;

typedef struct {
	uint64_t value;
} hpa_t;

typedef struct {
	uintptr_t value;
} vaddr_t;

static inline gpa_t gpa_init(uint64_t value)
{
	return (gpa_t){value};
}

static inline uint64_t gpa_addr(gpa_t a)
{
	return a.value;
}

static inline gpa_t gpa_add(gpa_t a, uint64_t n)
{
	return (gpa_t){a.value + n};
}

static inline uint64_t gpa_pfn(gpa_t a)
{
	return a.value >> PAGE_SHIFT;
}

static inline gpa_t gpa_from_pfn(uint64_t pfn)
{
	return (gpa_t){pfn << PAGE_SHIFT};
}

static inline bool gpa_is_page_aligned(gpa_t a)
{
	return (a.value & PAGE_MASK) == 0;
}

static inline hpa_t hpa_init(uint64_t value)
{
	return (hpa_t){value};
}

static inline uint64_t hpa_addr(hpa_t a)
{
	return a.value;
}

static inline hpa_t hpa_add(hpa_t a, uint64_t n)
{
	return (hpa_t){a.value + n};
}

static inline vaddr_t va_init(uintptr_t value)
{
	return (vaddr_t){value};
}

static inline uintptr_t va_addr(vaddr_t a)
{
	return a.value;
}

static inline vaddr_t va_add(vaddr_t a, uintptr_t n)
{
	return (vaddr_t){a.value + n};
}

/*
 * The one place an integer becomes a pointer. An SVSM has to turn addresses into pointers: its
 * page tables, the APIC's MMIO page, the pages the loader fills at fixed addresses (all identity
 * mapped) and the direct map of guest memory are known by address, not by any C object. Every such
 * cast goes through va_ptr(va_init(...)), so clang-tidy's performance-no-int-to-ptr stays on for
 * all other code.
 */
static inline void *va_ptr(vaddr_t a)
{
	return (void *)a.value; /* NOLINT(performance-no-int-to-ptr): see above */
}

static inline vaddr_t va_from_ptr(const void *p)
{
	return (vaddr_t){(uintptr_t)p};
}

#endif
