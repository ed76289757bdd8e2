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
	@$(HOST_CC) $(HOST_CFLAGS) -Isvsm -c $< -o $@

# --- Unit tests (ASan+UBSan) -------------------------------------------------------------------
MIGRATE_TEST_FRAMEWORK := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
MIGRATE_TEST_SRCS      := $(sort $(wildcard tests/unit/migrate_record*.c tests/unit/migrate_ring*.c \
                          tests/unit/migrate_control*.c))
MIGRATE_CRYPTO_SRCS    := $(sort $(wildcard svsm/crypto/crypto*.c)) svsm/crypto/gcm_x86.c \
                          svsm/arch/x86/entropy.c
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

# --- Ring and control-page stress under ThreadSanitizer ----------------------------------------
MIGRATE_TSAN_SRCS := svsm/migrate/ring.c svsm/migrate/control.c tests/unit/migrate_ring_stress.c \
                     tests/unit/migrate_control_stress.c $(MIGRATE_TEST_FRAMEWORK)
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

# --- libFuzzer targets (clang) ------------------------------------------------------------------
# build/fuzz/fuzz-{record,ring,control}; seeds generated from valid inputs by gen-seeds (never
# checked in); each run grows build/fuzz/corpus/<target>. `make fuzz` runs each target for
# FUZZ_SECONDS, `make fuzz-smoke` (and `make test`, through tests/fuzz/run-smoke.sh) for a few.
# Debian's clang-14 without the unversioned `clang` link is enough.
FUZZ_CC            ?= $(firstword $(shell command -v clang clang-14 2>/dev/null) clang)
FUZZ_SECONDS       ?= 20
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_DIR           := $(BUILD)/fuzz
FUZZ_TARGETS       := record ring control
FUZZ_BINS          := $(addprefix $(FUZZ_DIR)/fuzz-,$(FUZZ_TARGETS))
FUZZ_CFLAGS        := -std=gnu11 -g -O1 $(WARN_FLAGS) -Iinclude -I. -Isvsm -MMD -MP -D_GNU_SOURCE \
                      -DSVSM_HOSTED=1 $(DEPS_HOSTED_CFLAGS) -fno-omit-frame-pointer \
                      -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LINK_FLAGS    := -fsanitize=fuzzer,address,undefined -pthread
# The entropy stand-in only satisfies crypto.c's reference: no fuzz target draws randomness.
FUZZ_SUPPORT_SRCS  := $(MIGRATE_WIRE_SRCS) $(MIGRATE_CRYPTO_SRCS) host/lib/host_env.c \
                      tests/unit/migrate_record_host_plat.c
FUZZ_SUPPORT_OBJS  := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_SUPPORT_SRCS))
FUZZ_TARGET_OBJS   := $(patsubst %,$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS))
FUZZ_SEED_GEN      := $(FUZZ_DIR)/gen-seeds
FUZZ_SEED_GEN_OBJS := $(patsubst %.c,$(MIGRATE_HOST_DIR)/plain/%.o,tests/fuzz/gen_seeds.c \
                      $(FUZZ_SUPPORT_SRCS))
FUZZ_SEEDS         := $(FUZZ_DIR)/seeds/.stamp

$(FUZZ_DIR)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_SUPPORT_OBJS) $(CBOR_HOSTED_LIB) \
		$(MBEDTLS_HOSTED_LIBS)
	@echo "  LINK    $@"
	@$(FUZZ_CC) $(FUZZ_LINK_FLAGS) $^ -o $@

$(FUZZ_SEED_GEN): $(FUZZ_SEED_GEN_OBJS) $(CBOR_HOSTED_LIB) $(MBEDTLS_HOSTED_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS)

$(FUZZ_SEEDS): $(FUZZ_SEED_GEN)
	@echo "  SEEDS   $(@D)"
	@rm -rf $(@D) && $(FUZZ_SEED_GEN) $(@D) && touch $@

.PHONY: fuzz fuzz-smoke
fuzz: $(FUZZ_BINS) $(FUZZ_SEEDS)
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run-smoke.sh

fuzz-smoke: $(FUZZ_BINS) $(FUZZ_SEEDS)
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) tests/fuzz/run-smoke.sh

ALL_TARGETS       += $(SVSM_MIGRATE_OBJS) $(MIGRATE_HOST_OBJS) $(MIGRATE_UNIT_BIN) \
                     $(MIGRATE_TSAN_BIN) $(FUZZ_BINS) $(FUZZ_SEEDS)
HOST_TEST_BINS    += $(MIGRATE_UNIT_BIN) $(MIGRATE_TSAN_BIN)
HOST_TEST_SCRIPTS += tests/fuzz/run-smoke.sh

-include $(SVSM_MIGRATE_OBJS:.o=.d) $(MIGRATE_HOST_OBJS:.o=.d) $(MIGRATE_SAN_OBJS:.o=.d) \
         $(MIGRATE_TSAN_OBJS:.o=.d) $(FUZZ_SUPPORT_OBJS:.o=.d) $(FUZZ_TARGET_OBJS:.o=.d) \
         $(FUZZ_SEED_GEN_OBJS:.o=.d)

# Reached only through the fuzz-% pattern rule: keep them between runs.
.SECONDARY: $(FUZZ_SUPPORT_OBJS) $(FUZZ_TARGET_OBJS)
