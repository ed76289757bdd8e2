/* SPDX-License-Identifier: MIT */
#include "hosted_support.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "svsm/layout.h"
#include "svsm/plat.h"
#include "svsm/test.h"

static char memory_file[64];

bool test_vm_create(unsigned vcpus)
{
	struct hosted_config config;
	enum hosted_status s;
	int err = 0;

	memset(&config, 0, sizeof(config));
	snprintf(memory_file, sizeof(memory_file), "/dev/shm/svsm-hosted-unit-%d", (int)getpid());
	config.memory_file = memory_file;
	config.ram_size = TEST_RAM_SIZE;
	config.vcpus = vcpus;
	s = hosted_vm_create(&config, &err);
	if (s != HOSTED_OK) {
		test_fail_at(__FILE__, __LINE__, "hosted_vm_create: %s (errno %d)",
			     hosted_status_str(s), err);
		return false;
	}
	return true;
}

void test_vm_destroy(void)
{
	hosted_vm_destroy();
	unlink(memory_file);
}

void test_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

bool test_wait_until(bool (*cond)(unsigned arg), unsigned arg, uint64_t timeout_ns)
{
	uint64_t deadline = plat_time_ns() + timeout_ns;

	while (!cond(arg)) {
		if (plat_time_ns() > deadline) {
			return false;
		}
		test_sleep_ms(1);
	}
	return true;
}

bool test_vcpu_parked(unsigned vcpu)
{
	return plat_vcpu_parked(vcpu);
}

bool test_vcpu_done(unsigned vcpu)
{
	return hosted_vcpu_run_state(vcpu) == HOSTED_VCPU_DONE;
}

bool test_vcpu_idle(unsigned vcpu)
{
	return hosted_vcpu_run_state(vcpu) == HOSTED_VCPU_IDLE;
}

bool test_vcpu_failed(unsigned vcpu)
{
	return hosted_vcpu_run_state(vcpu) == HOSTED_VCPU_FAILED;
}

bool test_vcpu_stepping(unsigned vcpu)
{
	uint64_t before = hosted_vcpu_heartbeat(vcpu);

	test_sleep_ms(30);
	return hosted_vcpu_heartbeat(vcpu) != before;
}
