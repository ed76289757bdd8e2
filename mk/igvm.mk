# IGVM tooling: the host library in igvm/ (writer, parser, SNP measurement, image builder, QEMU
# loader), the `igvm` tool, the 16-bit reset stub of the NATIVE platform, the boot image and the
# host unit tests. The library is compiled twice: plain for the tool, with sanitizers for tests.

IGVM_DIR          := $(BUILD)/host/igvm
IGVM_LIB_SRCS     := $(filter-out igvm/main.c,$(wildcard igvm/*.c))
IGVM_TOOL         := $(BUILD)/tools/igvm
IGVM_RESET_STUB   := $(BUILD)/igvm/reset_stub.bin
IGVM_GEN          := $(BUILD)/igvm/gen
IGVM_IMAGE        := $(BUILD)/svsm.igvm
IGVM_TEST_BIN     := $(BUILD)/tests/unit-igvm
IGVM_TEST_SRCS    := $(wildcard tests/unit/igvm_*.c)
IGVM_MBEDCRYPTO   := $(filter %libmbedcrypto.a,$(MBEDTLS_HOSTED_LIBS))
IGVM_TEST_FRAMEWORK := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
# Migration policy blob measured into the image at LAYOUT_POLICY_GPA; empty means a zero page.
IGVM_POLICY       ?=

IGVM_TOOL_OBJS := $(patsubst %.c,$(IGVM_DIR)/tool/%.o,$(IGVM_LIB_SRCS) igvm/main.c \
                  host/lib/host_env.c)
IGVM_TEST_OBJS := $(patsubst %.c,$(IGVM_DIR)/san/%.o,$(IGVM_LIB_SRCS) $(IGVM_TEST_SRCS) \
                  $(IGVM_TEST_FRAMEWORK))

ALL_TARGETS    += $(IGVM_TOOL) $(IGVM_RESET_STUB)
HOST_TEST_BINS += $(IGVM_TEST_BIN)

# The boot image needs the SVSM and the guest payload; until both fragments exist, `make` builds
# only the tooling so that it keeps working for everyone.
ifneq ($(and $(wildcard mk/svsm.mk),$(wildcard mk/guest.mk)),)
ALL_TARGETS += $(IGVM_IMAGE)
endif

$(IGVM_DIR)/tool/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# The tests embed the assembled reset stub (.incbin), so they depend on it.
$(IGVM_DIR)/san/%.o: %.c | $(DEPS_STAMP) $(IGVM_RESET_STUB)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DIGVM_RESET_STUB_BIN='"$(IGVM_RESET_STUB)"' \
		$(EXTRA_IGVM_TEST_CFLAGS) -c $< -o $@

$(IGVM_DIR)/san/tests/unit/igvm_helpers.o: $(IGVM_RESET_STUB)

# The command-line tests run the tool itself.
$(IGVM_DIR)/san/tests/unit/igvm_cli_test.o: EXTRA_IGVM_TEST_CFLAGS := \
	-DIGVM_TOOL_BIN='"$(abspath $(IGVM_TOOL))"'
$(IGVM_TEST_BIN): | $(IGVM_TOOL)

$(IGVM_TOOL): $(IGVM_TOOL_OBJS) $(IGVM_MBEDCRYPTO)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

$(IGVM_TEST_BIN): $(IGVM_TEST_OBJS) $(IGVM_MBEDCRYPTO)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $(SAN_FLAGS) $^ -o $@

# The stub takes its addresses from include/svsm/layout.h, turned into nasm %defines.
$(IGVM_GEN)/svsm/layout.h.inc: include/svsm/layout.h
	@mkdir -p $(@D)
	@sed -n 's/^#define \([A-Z0-9_]*\)[ \t]*\(0x[0-9A-Fa-f]*\|[0-9][0-9]*\)U*L*L*$$/%define \1 \2/p' \
		$< > $@

$(IGVM_RESET_STUB): igvm/reset_stub.asm $(IGVM_GEN)/svsm/layout.h.inc
	@mkdir -p $(@D)
	@echo "  NASM    $@"
	@$(NASM) -f bin -I$(IGVM_GEN)/ $< -o $@

$(IGVM_IMAGE): $(BUILD)/svsm.elf $(BUILD)/guest/guest.elf $(IGVM_RESET_STUB) $(IGVM_POLICY) \
		$(IGVM_TOOL)
	@echo "  IGVM    $@"
	@$(IGVM_TOOL) build --svsm $(BUILD)/svsm.elf --guest $(BUILD)/guest/guest.elf \
		--reset-stub $(IGVM_RESET_STUB) $(if $(IGVM_POLICY),--policy $(IGVM_POLICY)) -o $@

-include $(wildcard $(IGVM_DIR)/*/*.d $(IGVM_DIR)/*/*/*.d $(IGVM_DIR)/*/*/*/*.d)
