/* SPDX-License-Identifier: MIT */
#ifndef SVSM_CORE_SPINLOCK_H
#define SVSM_CORE_SPINLOCK_H

#include <stdint.h>

#include "svsm/arch/x86/cpu.h"

struct spinlock {
	volatile uint32_t locked;
};

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

/* Takes the lock with interrupts off; returns the RFLAGS to hand back to spin_unlock_irq. */
static inline uint64_t spin_lock_irq(struct spinlock *l)
{
	uint64_t flags = irq_save();

	while (__atomic_exchange_n(&l->locked, 1U, __ATOMIC_ACQUIRE) != 0U) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0U) {
			cpu_relax();
		}
	}
	return flags;
}

static inline void spin_unlock_irq(struct spinlock *l, uint64_t flags)
{
	__atomic_store_n(&l->locked, 0U, __ATOMIC_RELEASE);
	irq_restore(flags);
}

#endif
