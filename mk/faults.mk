# The live-migration fault matrix on the hosted platform (tests/e2e/faults-live.sh, docs/faults.md).
# `make test` runs the quick subset (one scenario per fault kind and phase class, none waiting
# for an SVSM timeout); `make e2e-faults` runs the whole matrix (about 30 minutes on 2 cores:
# many scenarios wait out the SVSM's own 30-60 s timeouts). FAULTS_SET="name ..." runs some.
FAULTS_LIVE_SCRIPT := tests/e2e/faults-live.sh
FAULTS_LIVE_DEPS   := $(BUILD)/tools/svsm-hosted-vm $(BUILD)/tools/svsm-migrate \
                      $(BUILD)/tools/workload-verify $(BUILD)/tools/igvm $(BUILD)/tools/svsm-attest \
                      $(BUILD)/svsm.elf $(BUILD)/guest/guest.elf $(BUILD)/igvm/reset_stub.bin

HOST_TEST_SCRIPTS += $(FAULTS_LIVE_SCRIPT)

.PHONY: e2e-faults e2e-faults-quick
e2e-faults: $(FAULTS_LIVE_DEPS)
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) FAULTS_SET='$(or $(FAULTS_SET),all)' $(FAULTS_LIVE_SCRIPT)

e2e-faults-quick: $(FAULTS_LIVE_DEPS)
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) FAULTS_SET=quick $(FAULTS_LIVE_SCRIPT)
