# The guest side: the shared workload core (svsm/lib/workload.c), the ring-3 payload
# build/guest/guest.elf, the host verifier build/tools/workload-verify and the workload tests
# build/tests/unit-workload. WORKLOAD_SRCS is for the SVSM link.
WORKLOAD_SRCS := svsm/lib/workload.c

# --- Guest payload ------------------------------------------------------------------------------
# The window comes from layout.h; guest/main.c static-asserts that these copies match it.
GUEST_LINK_BASE := $(shell sed -n 's/^\#define LAYOUT_GUEST_PAYLOAD_GPA[[:space:]]*\(0x[0-9A-Fa-f]*\).*/\1/p' include/svsm/layout.h)
GUEST_LINK_MAX  := $(shell sed -n 's/^\#define LAYOUT_GUEST_PAYLOAD_MAX[[:space:]]*\(0x[0-9A-Fa-f]*\).*/\1/p' include/svsm/layout.h)

GUEST_SRCS := $(sort $(wildcard guest/*.c)) $(WORKLOAD_SRCS)
GUEST_OBJS := $(patsubst %.c,$(BUILD)/guest/%.o,$(notdir $(GUEST_SRCS)))
GUEST_ELF  := $(BUILD)/guest/guest.elf

# Ring 3, no libc. General registers only: nothing here needs SSE, and it keeps the payload
# independent of how the SVSM enables the FPU for ring 3.
GUEST_CFLAGS := $(COMMON_FLAGS) -Iguest -ffreestanding -nostdinc \
                -isystem $(shell $(CC) -print-file-name=include) -fno-pic -fno-pie \
                -fno-stack-protector -mno-red-zone -mcmodel=small -mgeneral-regs-only \
                -fno-asynchronous-unwind-tables -fcf-protection=none \
                -fno-tree-loop-distribute-patterns \
                -DGUEST_LINK_BASE=$(GUEST_LINK_BASE) -DGUEST_LINK_MAX=$(GUEST_LINK_MAX)
GUEST_LDFLAGS := -nostdlib -static -T guest/guest.ld --defsym=GUEST_PAYLOAD_BASE=$(GUEST_LINK_BASE) \
                 --defsym=GUEST_PAYLOAD_MAX=$(GUEST_LINK_MAX) -z max-page-size=0x1000 \
                 -z noexecstack --build-id=none

ALL_TARGETS += $(GUEST_ELF)

$(BUILD)/guest/%.o: guest/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/workload.o: svsm/lib/workload.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) guest/guest.ld
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)

# --- Host verifier ------------------------------------------------------------------------------
WORKLOAD_VERIFY := $(BUILD)/tools/workload-verify
WORKLOAD_TOOL_OBJS := $(patsubst %.c,$(BUILD)/host/workload/tool/%.o,host/tools/workload_verify.c \
	$(WORKLOAD_SRCS))

ALL_TARGETS += $(WORKLOAD_VERIFY)

$(BUILD)/host/workload/tool/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(WORKLOAD_VERIFY): $(WORKLOAD_TOOL_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $^ $(HOST_LDFLAGS) -o $@

# --- Workload tests -----------------------------------------------------------------------------
WORKLOAD_TEST_SRCS := $(sort $(wildcard tests/unit/workload_*.c))
WORKLOAD_TEST_FRAMEWORK := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
WORKLOAD_TEST_OBJS := $(patsubst %.c,$(BUILD)/host/workload/test/%.o,$(WORKLOAD_TEST_SRCS) \
	$(WORKLOAD_SRCS) $(WORKLOAD_TEST_FRAMEWORK))
WORKLOAD_TEST_BIN := $(BUILD)/tests/unit-workload

ALL_TARGETS += $(WORKLOAD_TEST_BIN)
HOST_TEST_BINS += $(WORKLOAD_TEST_BIN)

$(BUILD)/host/workload/test/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DWORKLOAD_VERIFY_BIN='"$(WORKLOAD_VERIFY)"' \
		-DGUEST_ELF_PATH='"$(GUEST_ELF)"' -c $< -o $@

# The tests run the verifier tool and the payload itself, so both are part of this build.
$(WORKLOAD_TEST_BIN): $(WORKLOAD_TEST_OBJS) $(WORKLOAD_VERIFY) $(GUEST_ELF)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(WORKLOAD_TEST_OBJS) $(HOST_LDFLAGS) -o $@

-include $(GUEST_OBJS:.o=.d) $(WORKLOAD_TOOL_OBJS:.o=.d) $(WORKLOAD_TEST_OBJS:.o=.d)
