/* SPDX-License-Identifier: MIT */
/*
 * A test-and-test-and-set spinlock on __atomic builtins. It does not mask interrupts: code that
 * holds one must not be re-entered from an interrupt handler on the same CPU.
 */
#ifndef SVSM_MM_SPINLOCK_H
#define SVSM_MM_SPINLOCK_H

#include "svsm/types.h"

struct spinlock {
	uint32_t locked;
};

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

static inline void spin_pause(void)
{
#if defined(__x86_64__)
	__asm__ volatile("pause");
#endif
}

static inline void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1U, __ATOMIC_ACQUIRE) != 0U) {
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0U) {
			spin_pause();
		}
	}
}

static inline void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0U, __ATOMIC_RELEASE);
}

#endif
