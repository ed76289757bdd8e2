# `make test`: every host test binary (under ASan+UBSan) and the in-guest test image under QEMU,
# summed into one closing line "N passed, N failed" (tests/summary.sh). Host and guest suites run
# one after the other: several tests wait on real time, and a 2-core machine running QEMU's four
# vCPU threads beside the end-to-end migrations starves them.
TEST_LOGS      := $(BUILD)/tests/logs
GUEST_TEST_IMAGE := $(BUILD)/svsm-test.igvm
GUEST_TEST_SMP ?= 4
GUEST_TEST_MEMORY ?= 256M
GUEST_TEST_TIMEOUT ?= 600

ALL_TARGETS += $(GUEST_TEST_IMAGE)

$(GUEST_TEST_IMAGE): $(BUILD)/svsm-test.elf $(BUILD)/guest/guest.elf $(IGVM_RESET_STUB) $(IGVM_TOOL) \
		$(IGVM_POLICY)
	@echo "  IGVM    $@"
	@$(IGVM_TOOL) build --svsm $(BUILD)/svsm-test.elf --guest $(BUILD)/guest/guest.elf \
		--reset-stub $(IGVM_RESET_STUB) $(if $(IGVM_POLICY),--policy $(IGVM_POLICY)) -o $@

.PHONY: test test-host test-guest
test: all
	@rm -rf $(TEST_LOGS) && mkdir -p $(TEST_LOGS)
	@$(MAKE) --no-print-directory test-host; \
	$(MAKE) --no-print-directory test-guest; \
	tests/summary.sh $(TEST_LOGS)/*.log

# Each binary's log is kept; a crash shows up as planned tests that never finished.
test-host: all $(HOST_TEST_BINS)
	@mkdir -p $(TEST_LOGS)
	@for t in $(HOST_TEST_BINS) $(HOST_TEST_SCRIPTS); do \
		name=$$(basename $$t); \
		echo "  TEST    $$name"; \
		SHARED_DIR=$(SHARED_DIR) $$t > $(TEST_LOGS)/$$name.log 2>&1 || \
			echo "  FAILED  $$name (see $(TEST_LOGS)/$$name.log)"; \
	done

test-guest: $(GUEST_TEST_IMAGE) $(IGVM_TOOL) $(WORKLOAD_VERIFY)
	@mkdir -p $(TEST_LOGS)
	@echo "  QEMU    $(GUEST_TEST_IMAGE) (TCG, $(GUEST_TEST_SMP) CPUs)"
	@TOOLS=$(BUILD)/tools tests/run-guest.sh $(GUEST_TEST_IMAGE) $(TEST_LOGS) \
		--smp $(GUEST_TEST_SMP) --memory $(GUEST_TEST_MEMORY) --timeout $(GUEST_TEST_TIMEOUT)

.PHONY: demo demo-boot
DEMO_SMP ?= 4
DEMO_MEMORY ?= 256M
DEMO_CHANNELS ?= 4
# The main job: a migration between two QEMU guests (scripts/demo-migrate.sh).
demo: all
	@TOOLS=$(BUILD)/tools scripts/demo-migrate.sh $(BUILD)/svsm.igvm --smp $(DEMO_SMP) \
		--memory $(DEMO_MEMORY) --channels $(DEMO_CHANNELS)

# One VM: boot the image and run the workload to the end (scripts/demo.sh).
demo-boot: all
	@TOOLS=$(BUILD)/tools scripts/demo.sh $(BUILD)/svsm.igvm --smp $(DEMO_SMP) --memory 512M

.PHONY: bench
bench: all $(BENCH_TARGETS)

# The end-to-end migration under ThreadSanitizer is part of every `make test`.
HOST_TEST_SCRIPTS += tests/e2e/hosted-tsan.sh
HOST_TEST_SCRIPTS += tests/lint.sh
