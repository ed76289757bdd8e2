# svsm/crypto and the x86 entropy source: the same sources build three ways.
#   SVSM (freestanding):  $(SVSM_CRYPTO_OBJS) under $(BUILD)/svsm/, for the SVSM link
#   host tests (ASan+UBSan): $(BUILD)/tests/unit-crypto, crypto-oracle (vs OpenSSL), crypto-heap
#   host bench (plain -O2):  $(BUILD)/tools/bench-crypto, run by `make bench-crypto`

CRYPTO_SRCS  := svsm/crypto/crypto.c svsm/crypto/crypto_aead.c svsm/crypto/crypto_kdf.c \
                svsm/crypto/crypto_ecc.c svsm/crypto/gcm_x86.c
ENTROPY_SRCS := svsm/arch/x86/entropy.c
# deps.mk's MBEDTLS_HOSTED_LIBS, spelled out: mk/deps.mk is read after this fragment, too late for
# prerequisite lists.
CRYPTO_MBEDTLS_LIBS := $(DEPS_HOSTED)/lib/libmbedx509.a $(DEPS_HOSTED)/lib/libmbedcrypto.a

# --- SVSM objects ------------------------------------------------------------------------------
# entropy.c is not listed: svsm.mk already builds every svsm/arch/x86/*.c with $(SVSM_CFLAGS)
# (no SSE) into $(SVSM_CORE_OBJS), and a second copy would define its symbols twice.
SVSM_CRYPTO_OBJS := $(patsubst svsm/crypto/%.c,$(BUILD)/svsm/crypto/%.o,$(CRYPTO_SRCS))

$(SVSM_CRYPTO_OBJS): $(BUILD)/svsm/crypto/%.o: svsm/crypto/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CRYPTO_CFLAGS) -c $< -o $@

# --- Host objects ------------------------------------------------------------------------------
CRYPTO_HOST_DIR     := $(BUILD)/host/crypto
CRYPTO_HOST_CFLAGS  := $(HOST_CFLAGS) $(SAN_FLAGS) -Isvsm -Itests/unit
CRYPTO_BENCH_CFLAGS := $(HOST_CFLAGS) -Isvsm

# Sanitized objects for tests; the bench links an unsanitized copy so it measures the library.
CRYPTO_LIB_SRCS   := $(CRYPTO_SRCS) $(ENTROPY_SRCS)
CRYPTO_HOST_OBJS  := $(patsubst svsm/%.c,$(CRYPTO_HOST_DIR)/san/%.o,$(CRYPTO_LIB_SRCS))
CRYPTO_BENCH_OBJS := $(patsubst svsm/%.c,$(CRYPTO_HOST_DIR)/bench/%.o,$(CRYPTO_LIB_SRCS)) \
                     $(CRYPTO_HOST_DIR)/bench/bench_crypto.o $(CRYPTO_HOST_DIR)/bench/host_env.o

CRYPTO_FRAMEWORK_SRCS := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
CRYPTO_UNIT_SRCS      := tests/unit/crypto_aead_test.c tests/unit/crypto_kdf_test.c \
                         tests/unit/crypto_ecc_test.c tests/unit/crypto_entropy_test.c
CRYPTO_PLAT_SRCS      := tests/unit/crypto_test_plat.c
CRYPTO_ORACLE_SRCS    := tests/host/crypto_oracle_test.c
CRYPTO_HEAP_SRCS      := tests/host/crypto_oracle_heap.c

crypto_test_objs = $(patsubst %.c,$(CRYPTO_HOST_DIR)/%.o,$(1))
CRYPTO_FRAMEWORK_OBJS := $(call crypto_test_objs,$(CRYPTO_FRAMEWORK_SRCS))
CRYPTO_TEST_OBJS      := $(call crypto_test_objs,$(CRYPTO_UNIT_SRCS) $(CRYPTO_PLAT_SRCS) \
                         $(CRYPTO_ORACLE_SRCS) $(CRYPTO_HEAP_SRCS))

$(CRYPTO_HOST_DIR)/san/%.o: svsm/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(CRYPTO_HOST_CFLAGS) -c $< -o $@

$(CRYPTO_HOST_DIR)/bench/%.o: svsm/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(CRYPTO_BENCH_CFLAGS) -c $< -o $@

$(CRYPTO_HOST_DIR)/bench/host_env.o: host/lib/host_env.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(CRYPTO_BENCH_CFLAGS) -c $< -o $@

$(CRYPTO_HOST_DIR)/bench/bench_crypto.o: host/bench/bench_crypto.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(CRYPTO_BENCH_CFLAGS) -c $< -o $@

$(CRYPTO_FRAMEWORK_OBJS) $(CRYPTO_TEST_OBJS): $(CRYPTO_HOST_DIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(CRYPTO_HOST_CFLAGS) -c $< -o $@

# --- Binaries ----------------------------------------------------------------------------------
CRYPTO_UNIT_BIN   := $(BUILD)/tests/unit-crypto
CRYPTO_ORACLE_BIN := $(BUILD)/tests/crypto-oracle
CRYPTO_HEAP_BIN   := $(BUILD)/tests/crypto-heap
CRYPTO_BENCH_BIN  := $(BUILD)/tools/bench-crypto

CRYPTO_TEST_COMMON := $(call crypto_test_objs,$(CRYPTO_PLAT_SRCS)) $(CRYPTO_HOST_OBJS) \
                      $(CRYPTO_FRAMEWORK_OBJS)

$(CRYPTO_UNIT_BIN): $(call crypto_test_objs,$(CRYPTO_UNIT_SRCS)) $(CRYPTO_TEST_COMMON) \
		$(CRYPTO_MBEDTLS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(SAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

# Independent oracle: OpenSSL's libcrypto (libssl-dev) checks our outputs.
$(CRYPTO_ORACLE_BIN): $(call crypto_test_objs,$(CRYPTO_ORACLE_SRCS)) $(CRYPTO_TEST_COMMON) \
		$(CRYPTO_MBEDTLS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(SAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS) -lcrypto

# Own binary: it swaps mbedTLS's allocator, which no other test may see.
$(CRYPTO_HEAP_BIN): $(call crypto_test_objs,$(CRYPTO_HEAP_SRCS)) $(CRYPTO_TEST_COMMON) \
		$(CRYPTO_MBEDTLS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(SAN_FLAGS) $^ -o $@ $(HOST_LDFLAGS)

$(CRYPTO_BENCH_BIN): $(CRYPTO_BENCH_OBJS) $(CRYPTO_MBEDTLS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS) -lcrypto

.PHONY: bench-crypto
bench-crypto: $(CRYPTO_BENCH_BIN)
	@$(CRYPTO_BENCH_BIN)

ALL_TARGETS    += $(SVSM_CRYPTO_OBJS) $(CRYPTO_UNIT_BIN) $(CRYPTO_ORACLE_BIN) $(CRYPTO_HEAP_BIN) \
                  $(CRYPTO_BENCH_BIN)
HOST_TEST_BINS += $(CRYPTO_UNIT_BIN) $(CRYPTO_ORACLE_BIN) $(CRYPTO_HEAP_BIN)
BENCH_TARGETS  += bench-crypto

-include $(SVSM_CRYPTO_OBJS:.o=.d) $(CRYPTO_HOST_OBJS:.o=.d) $(CRYPTO_BENCH_OBJS:.o=.d) \
         $(CRYPTO_FRAMEWORK_OBJS:.o=.d) $(CRYPTO_TEST_OBJS:.o=.d)
