# The SVSM: freestanding objects, the product image (build/svsm.elf) and the in-guest test image
# (build/svsm-test.elf). Platform: qemu (the only one that runs here).
SVSM_PLAT     ?= qemu
SVSM_GEN      := $(BUILD)/gen
SVSM_ASM_SRCS := $(wildcard svsm/arch/x86/*.asm)
SVSM_C_SRCS   := $(wildcard svsm/arch/x86/*.c) $(wildcard svsm/core/*.c) \
                 $(wildcard svsm/plat/$(SVSM_PLAT)/*.c) svsm/lib/workload.c
SVSM_CORE_OBJS := $(patsubst %.c,$(BUILD)/svsm/%.o,$(SVSM_C_SRCS)) \
                  $(patsubst %.asm,$(BUILD)/svsm/%.o,$(SVSM_ASM_SRCS)) \
                  $(SVSM_MM_OBJS) $(SVSM_CRYPTO_OBJS) $(ATTEST_FREE_OBJS) $(EMU_PSP_FREE_OBJS) \
                  $(SVSM_MIGRATE_OBJS)
SVSM_PRODUCT_OBJS := $(BUILD)/svsm/run/run_product.o
SVSM_TEST_SRCS := tests/framework/runner.c $(filter-out tests/guest/crypto_%,$(wildcard tests/guest/*.c))
SVSM_TEST_OBJS := $(patsubst %.c,$(BUILD)/svsm/%.o,$(SVSM_TEST_SRCS))
# Platform-free host unit tests that also run inside the SVSM (crypto through the AES-NI path).
SVSM_TEST_SHARED_SRCS := $(addprefix tests/unit/,crypto_aead_test.c crypto_kdf_test.c \
                         crypto_ecc_test.c crypto_entropy_test.c) tests/guest/crypto_guest_tests.c
SVSM_TEST_SHARED_SRCS += $(ATTEST_GUEST_TEST_SRCS)
SVSM_TEST_SHARED_OBJS := $(patsubst %.c,$(BUILD)/svsm/shared-tests/%.o,$(SVSM_TEST_SHARED_SRCS)) \
                         $(patsubst $(BUILD)/%.c,$(BUILD)/svsm/shared-tests/gen/%.o,$(ATTEST_GUEST_GENERATED_SRCS))
SVSM_TEST_OBJS += $(SVSM_TEST_SHARED_OBJS)
SVSM_LINK_LIBS := $(MBEDTLS_FREE_LIBS) $(CBOR_FREE_LIB) $(SVSM_LIBC) $(shell $(CC) -print-libgcc-file-name)
SVSM_LDFLAGS  := -nostdlib -static -z max-page-size=4096 -T linker.ld --no-dynamic-linker

ALL_TARGETS += $(BUILD)/svsm.elf $(BUILD)/svsm-test.elf

$(SVSM_GEN)/svsm/layout.h.inc: include/svsm/layout.h
	@mkdir -p $(@D)
	sed -n 's/^#define \([A-Z0-9_]*\)[ \t]*\(0x[0-9A-Fa-f]*\|[0-9][0-9]*\)U*L*L*$$/%define \1 \2/p' $< > $@

$(BUILD)/svsm/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CFLAGS) -DSVSM_PLAT_$(shell echo $(SVSM_PLAT) | tr a-z A-Z)=1 -c $< -o $@

$(BUILD)/svsm/%.o: %.asm $(SVSM_GEN)/svsm/layout.h.inc
	@mkdir -p $(@D)
	@echo "  NASM    $@"
	@$(NASM) $(NASM_FLAGS) -I$(SVSM_GEN)/ -MD $(@:.o=.d) $< -o $@

$(BUILD)/svsm/shared-tests/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CRYPTO_CFLAGS) -Isvsm -Itests/unit -c $< -o $@

$(BUILD)/svsm/shared-tests/gen/%.o: $(BUILD)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CRYPTO_CFLAGS) -Isvsm -Itests/unit -c $< -o $@

$(BUILD)/svsm/run/run_product.o: svsm/core/run/run_product.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CFLAGS) -c $< -o $@

$(BUILD)/svsm.elf: $(SVSM_CORE_OBJS) $(SVSM_PRODUCT_OBJS) $(SVSM_LINK_LIBS) linker.ld
	@echo "  LD      $@"
	@$(LD) $(SVSM_LDFLAGS) -o $@ $(SVSM_CORE_OBJS) $(SVSM_PRODUCT_OBJS) --start-group $(SVSM_LINK_LIBS) --end-group

$(BUILD)/svsm-test.elf: $(SVSM_CORE_OBJS) $(SVSM_TEST_OBJS) $(SVSM_LINK_LIBS) linker.ld
	@echo "  LD      $@"
	@$(LD) $(SVSM_LDFLAGS) -o $@ $(SVSM_CORE_OBJS) $(SVSM_TEST_OBJS) --start-group $(SVSM_LINK_LIBS) --end-group

-include $(SVSM_CORE_OBJS:.o=.d) $(SVSM_TEST_OBJS:.o=.d) $(SVSM_PRODUCT_OBJS:.o=.d)

$(BUILD)/attest/test-policy.bin: $(BUILD)/tools/svsm-attest
	@mkdir -p $(@D)
	@echo "  POLICY  $@ (TEST: same image, emulated reports allowed)"
	@$(BUILD)/tools/svsm-attest policy build --same-measurement --allow-emulated \
		--min-tcb bl=0,tee=0,snp=0,ucode=0 -o $@ >/dev/null
