# The hosted platform (host/plat/hosted): include/svsm/plat.h for a Linux process.
#   build/tools/svsm-hosted-vm          the VM program, with ThreadSanitizer and ASan+UBSan twins
#                                       (svsm-hosted-vm-tsan, svsm-hosted-vm-asan)
#   build/tests/unit-hosted             unit tests, ASan+UBSan
#   build/tests/unit-hosted-tsan        the same tests under ThreadSanitizer
#   tests/e2e/hosted.sh                 live migration over loopback between two VM processes
#                                       (`make e2e-hosted`, `-tsan`, `-asan`; `make test` runs it
#                                       with the plain build)
#
# This fragment is read before igvm.mk and migrate.mk, so it names the sources it shares with
# them itself and compiles its own copies under build/host/hosted/{plain,san,tsan}/.

HOSTED_DIR       := $(BUILD)/host/hosted
HOSTED_VM        := $(BUILD)/tools/svsm-hosted-vm
HOSTED_VM_TSAN   := $(BUILD)/tools/svsm-hosted-vm-tsan
HOSTED_VM_ASAN   := $(BUILD)/tools/svsm-hosted-vm-asan
HOSTED_TEST_BIN  := $(BUILD)/tests/unit-hosted
HOSTED_TSAN_TEST_BIN := $(BUILD)/tests/unit-hosted-tsan
HOSTED_E2E       := tests/e2e/hosted.sh

HOSTED_PLAT_SRCS := host/plat/hosted/plat.c host/plat/hosted/vcpu.c
HOSTED_VM_SRCS   := host/plat/hosted/vm_main.c host/plat/hosted/vm_image.c host/lib/parse.c
HOSTED_CORE_SRCS := svsm/core/guest_mem.c svsm/core/plat_status.c svsm/mm/bitmap.c svsm/mm/memmap.c svsm/lib/workload.c \
                    svsm/arch/x86/entropy.c host/lib/host_env.c
HOSTED_CRYPTO_SRCS := $(sort $(wildcard svsm/crypto/crypto*.c)) svsm/crypto/gcm_x86.c \
                    svsm/crypto/snp_report.c \
                    svsm/crypto/policy.c svsm/crypto/attest.c svsm/crypto/emu_psp.c \
                    $(EMU_PSP_GENERATED_SRC)
HOSTED_MIGRATE_SRCS := $(sort $(wildcard svsm/migrate/*.c))
HOSTED_IGVM_SRCS := igvm/image.c igvm/parser.c igvm/writer.c igvm/measure.c
HOSTED_TEST_SRCS := $(sort $(wildcard tests/unit/hosted_*.c))
HOSTED_FRAMEWORK := tests/framework/runner.c tests/framework/host_main.c
HOSTED_DEPS_LIBS := $(DEPS_HOSTED)/lib/libcbor.a $(DEPS_HOSTED)/lib/libmbedx509.a \
                    $(DEPS_HOSTED)/lib/libmbedcrypto.a
HOSTED_CFLAGS    := $(HOST_CFLAGS) -Isvsm -Ihost/plat/hosted -DSVSM_PLAT_HOSTED=1

hosted_objs = $(patsubst %.c,$(HOSTED_DIR)/$(1)/%.o,$(2))

HOSTED_VM_ALL_SRCS := $(HOSTED_VM_SRCS) $(HOSTED_PLAT_SRCS) $(HOSTED_CORE_SRCS) \
                      $(HOSTED_CRYPTO_SRCS) $(HOSTED_MIGRATE_SRCS) $(HOSTED_IGVM_SRCS)
HOSTED_VM_OBJS      := $(call hosted_objs,plain,$(HOSTED_VM_ALL_SRCS))
HOSTED_VM_TSAN_OBJS := $(call hosted_objs,tsan,$(HOSTED_VM_ALL_SRCS))
HOSTED_VM_ASAN_OBJS := $(call hosted_objs,san,$(HOSTED_VM_ALL_SRCS))
HOSTED_TEST_ALL_SRCS := $(HOSTED_PLAT_SRCS) $(HOSTED_CORE_SRCS) $(HOSTED_CRYPTO_SRCS) \
                       $(HOSTED_TEST_SRCS) $(HOSTED_FRAMEWORK)
HOSTED_TEST_OBJS    := $(call hosted_objs,san,$(HOSTED_TEST_ALL_SRCS))
HOSTED_TSAN_TEST_OBJS := $(call hosted_objs,tsan,$(HOSTED_TEST_ALL_SRCS))

ALL_TARGETS    += $(HOSTED_VM) $(HOSTED_VM_TSAN) $(HOSTED_VM_ASAN) $(HOSTED_TEST_BIN) \
                  $(HOSTED_TSAN_TEST_BIN)
HOST_TEST_BINS += $(HOSTED_TEST_BIN) $(HOSTED_TSAN_TEST_BIN)
HOST_TEST_SCRIPTS += $(HOSTED_E2E)

$(HOSTED_DIR)/plain/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOSTED_CFLAGS) -c $< -o $@

$(HOSTED_DIR)/san/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOSTED_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(HOSTED_DIR)/tsan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOSTED_CFLAGS) $(TSAN_FLAGS) -c $< -o $@

$(HOSTED_VM): $(HOSTED_VM_OBJS) $(HOSTED_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS)

$(HOSTED_VM_TSAN): $(HOSTED_VM_TSAN_OBJS) $(HOSTED_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(TSAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

$(HOSTED_VM_ASAN): $(HOSTED_VM_ASAN_OBJS) $(HOSTED_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(SAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

$(HOSTED_TEST_BIN): $(HOSTED_TEST_OBJS) $(HOSTED_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(SAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

# The same tests under ThreadSanitizer: parking, withholding and permission changes race the
# vCPU threads on purpose.
$(HOSTED_TSAN_TEST_BIN): $(HOSTED_TSAN_TEST_OBJS) $(HOSTED_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(TSAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

# The end-to-end run builds its own images (with a policy that accepts the emulated PSP) from the
# SVSM, the guest payload and the reset stub, and runs the agent and the verifier.
HOSTED_E2E_DEPS := $(HOSTED_VM) $(BUILD)/tools/svsm-migrate $(BUILD)/tools/workload-verify \
                   $(BUILD)/tools/igvm $(BUILD)/tools/svsm-attest $(BUILD)/svsm.elf \
                   $(BUILD)/guest/guest.elf $(BUILD)/igvm/reset_stub.bin

.PHONY: e2e-hosted e2e-hosted-tsan e2e-hosted-asan
e2e-hosted: $(HOSTED_E2E_DEPS)
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) $(HOSTED_E2E)

e2e-hosted-tsan: $(HOSTED_E2E_DEPS) $(HOSTED_VM_TSAN)
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) HOSTED_VM=$(HOSTED_VM_TSAN) $(HOSTED_E2E)

e2e-hosted-asan: $(HOSTED_E2E_DEPS) $(HOSTED_VM_ASAN)
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) HOSTED_VM=$(HOSTED_VM_ASAN) $(HOSTED_E2E)

-include $(HOSTED_VM_OBJS:.o=.d) $(HOSTED_VM_TSAN_OBJS:.o=.d) $(HOSTED_VM_ASAN_OBJS:.o=.d) \
         $(HOSTED_TEST_OBJS:.o=.d) $(HOSTED_TSAN_TEST_OBJS:.o=.d)
