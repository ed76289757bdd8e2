# The migration protocol (svsm/migrate): the same sources build freestanding for the SVSM and
# hosted for the hosted platform, the VMM agent and the tests.
#
# For other fragments:
#   SVSM_MIGRATE_OBJS        freestanding objects of every svsm/migrate/*.c, for the SVSM link
#   MIGRATE_HOST_SRCS        every svsm/migrate/*.c (the hosted platform builds them its own way
#                            or links MIGRATE_HOST_OBJS)
#   MIGRATE_HOST_OBJS        those sources compiled with $(HOST_CFLAGS), no sanitizers
#   MIGRATE_WIRE_SRCS        the platform-free wire layer: records, rings, control page
#   MIGRATE_WIRE_HOST_OBJS   those compiled with $(HOST_CFLAGS), for the agent: they need only
#                            svsm/crypto, libcbor and mbedTLS, never the platform seam
#
# Tests: build/tests/unit-migrate (ASan+UBSan), build/tests/migrate-ring-tsan (the two-thread
# ring stress under ThreadSanitizer), and the libFuzzer targets under build/fuzz (`make fuzz`,
# `make fuzz-smoke`; tests/fuzz/run-smoke.sh is what `make test` runs).

MIGRATE_HOST_SRCS := $(sort $(wildcard svsm/migrate/*.c))
MIGRATE_WIRE_SRCS := $(wildcard svsm/migrate/record.c svsm/migrate/ring.c svsm/migrate/control.c)

# --- SVSM objects ------------------------------------------------------------------------------
SVSM_MIGRATE_OBJS := $(patsubst svsm/migrate/%.c,$(BUILD)/svsm/migrate/%.o,$(MIGRATE_HOST_SRCS))

$(SVSM_MIGRATE_OBJS): $(BUILD)/svsm/migrate/%.o: svsm/migrate/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CRYPTO_CFLAGS) -c $< -o $@

# --- Host objects ------------------------------------------------------------------------------
MIGRATE_HOST_DIR       := $(BUILD)/host/migrate
MIGRATE_HOST_OBJS      := $(patsubst %.c,$(MIGRATE_HOST_DIR)/plain/%.o,$(MIGRATE_HOST_SRCS))
MIGRATE_WIRE_HOST_OBJS := $(patsubst %.c,$(MIGRATE_HOST_DIR)/plain/%.o,$(MIGRATE_WIRE_SRCS))

$(MIGRATE_HOST_DIR)/plain/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# --- Unit tests (ASan+UBSan) -------------------------------------------------------------------
MIGRATE_TEST_FRAMEWORK := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
MIGRATE_TEST_SRCS      := $(sort $(wildcard tests/unit/migrate_record*.c tests/unit/migrate_ring*.c \
                          tests/unit/migrate_control*.c))
MIGRATE_CRYPTO_SRCS    := $(sort $(wildcard svsm/crypto/crypto*.c)) svsm/arch/x86/entropy.c
MIGRATE_SAN_OBJS := $(patsubst %.c,$(MIGRATE_HOST_DIR)/san/%.o,$(MIGRATE_WIRE_SRCS) \
                    $(MIGRATE_TEST_SRCS) $(MIGRATE_TEST_FRAMEWORK) $(MIGRATE_CRYPTO_SRCS))
MIGRATE_UNIT_BIN := $(BUILD)/tests/unit-migrate

$(MIGRATE_HOST_DIR)/san/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Isvsm -c $< -o $@

$(MIGRATE_UNIT_BIN): $(MIGRATE_SAN_OBJS) $(CBOR_HOSTED_LIB) $(MBEDTLS_HOSTED_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(SAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

# --- Ring stress under ThreadSanitizer ---------------------------------------------------------
MIGRATE_TSAN_SRCS := svsm/migrate/ring.c tests/unit/migrate_ring_stress.c $(MIGRATE_TEST_FRAMEWORK)
MIGRATE_TSAN_OBJS := $(patsubst %.c,$(MIGRATE_HOST_DIR)/tsan/%.o,$(MIGRATE_TSAN_SRCS))
MIGRATE_TSAN_BIN  := $(BUILD)/tests/migrate-ring-tsan

$(MIGRATE_HOST_DIR)/tsan/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(TSAN_FLAGS) -c $< -o $@

$(MIGRATE_TSAN_BIN): $(MIGRATE_TSAN_OBJS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(TSAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

ALL_TARGETS    += $(SVSM_MIGRATE_OBJS) $(MIGRATE_HOST_OBJS) $(MIGRATE_UNIT_BIN) $(MIGRATE_TSAN_BIN)
HOST_TEST_BINS += $(MIGRATE_UNIT_BIN) $(MIGRATE_TSAN_BIN)

-include $(SVSM_MIGRATE_OBJS:.o=.d) $(MIGRATE_HOST_OBJS:.o=.d) $(MIGRATE_SAN_OBJS:.o=.d) \
         $(MIGRATE_TSAN_OBJS:.o=.d)
