/* SPDX-License-Identifier: MIT */
/* Shared helpers of the hosted-platform tests: a small VM on a tmpfs file, and bounded waits. */
#ifndef TESTS_UNIT_HOSTED_SUPPORT_H
#define TESTS_UNIT_HOSTED_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "hosted.h"

#define TEST_RAM_SIZE	(LAYOUT_SVSM_REGION_END + 16ULL * 1024 * 1024)
#define TEST_GUEST_BASE LAYOUT_SVSM_REGION_END
#define TEST_WAIT_NS	(5ULL * 1000000000ULL)

/* Creates a VM with `vcpus` vCPUs over a fresh file under /dev/shm; false (and a test failure)
 * if that is impossible. */
bool test_vm_create(unsigned vcpus);
void test_vm_destroy(void);

/* Polls until cond(arg) or the timeout; true if it held in time. */
bool test_wait_until(bool (*cond)(unsigned arg), unsigned arg, uint64_t timeout_ns);
void test_sleep_ms(unsigned ms);

bool test_vcpu_parked(unsigned vcpu);
bool test_vcpu_done(unsigned vcpu);
bool test_vcpu_idle(unsigned vcpu); /* steps done, in its idle phase */
bool test_vcpu_failed(unsigned vcpu);
bool test_vcpu_stepping(unsigned vcpu); /* heartbeat moved within a short wait */

#endif
