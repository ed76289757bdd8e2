# SEV-SNP attestation: report verification, migration policy and attested key agreement
# (svsm/crypto/{snp_report,policy,attest}.c), the emulated PSP (svsm/crypto/emu_psp.c with its
# build-time TEST-ONLY keys), the svsm-attest CLI, and the unit tests (build/tests/unit-attest).
#
# For other fragments:
#   ATTEST_FREE_OBJS        freestanding objects of the verifier, policy and key agreement
#   EMU_PSP_FREE_OBJS       freestanding emulated PSP + its generated keys (not for SVSM_PLAT=snp)
#   EMU_PSP_GENERATED_SRC   build/attest/emu_keys.c (TEST-ONLY keys and chain as C arrays)
#   ATTEST_TEST_CHAIN_DIR   build/attest: test-ark.der, test-ask.der, test-vcek.der, test-chain.pem
#   SNP_FIXTURES_DIR        the real Milan report, VCEK and chain (read at run time, never copied)
#   SVSM_ATTEST             build/tools/svsm-attest
#   ATTEST_GUEST_TEST_SRCS, ATTEST_GUEST_GENERATED_SRCS  the attestation tests for the test image

SHARED_DIR       ?= ../shared
SNP_FIXTURES_DIR ?= $(SHARED_DIR)/fixtures/snp
# The unit tests read the fixtures from here at run time (make test runs from the repo root).
export SVSM_SNP_FIXTURES := $(abspath $(SNP_FIXTURES_DIR))

ATTEST_SRCS           := svsm/crypto/snp_report.c svsm/crypto/policy.c svsm/crypto/attest.c
EMU_PSP_SRCS          := svsm/crypto/emu_psp.c
ATTEST_TEST_CHAIN_DIR := $(BUILD)/attest
EMU_PSP_GENERATED_SRC := $(ATTEST_TEST_CHAIN_DIR)/emu_keys.c
EMU_TEST_CERTS_SRC    := $(ATTEST_TEST_CHAIN_DIR)/emu_test_certs.c
ATTEST_GEN            := $(BUILD)/tools/svsm-attest-gen
SVSM_ATTEST           := $(BUILD)/tools/svsm-attest
ATTEST_TEST_BIN       := $(BUILD)/tests/unit-attest

# The crypto primitives, compiled again here for our host programs.
ATTEST_CRYPTO_SRCS := $(wildcard svsm/crypto/crypto*.c) svsm/crypto/gcm_x86.c
ATTEST_FRAMEWORK   := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
ATTEST_TEST_SRCS   := $(filter-out tests/unit/attest_guest_support.c,$(sort $(wildcard tests/unit/attest_*.c)))

# --- Freestanding objects for the SVSM --------------------------------------------------------
ATTEST_FREE_DIR  := $(BUILD)/svsm/attest
ATTEST_FREE_OBJS := $(patsubst svsm/crypto/%.c,$(ATTEST_FREE_DIR)/%.o,$(ATTEST_SRCS))
ifneq ($(SVSM_PLAT),snp)
EMU_PSP_FREE_OBJS := $(ATTEST_FREE_DIR)/emu_psp.o $(ATTEST_FREE_DIR)/emu_keys.o
endif
ATTEST_PLAT_DEFINE = -DSVSM_PLAT_$(shell echo $(SVSM_PLAT) | tr a-z A-Z)=1

$(ATTEST_FREE_DIR)/%.o: svsm/crypto/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(SVSM_CRYPTO_CFLAGS) $(ATTEST_PLAT_DEFINE) -Isvsm -c $< -o $@

$(ATTEST_FREE_DIR)/emu_keys.o: $(EMU_PSP_GENERATED_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(SVSM_CRYPTO_CFLAGS) $(ATTEST_PLAT_DEFINE) -Isvsm -c $< -o $@

# --- The TEST-ONLY chain ----------------------------------------------------------------------
ATTEST_TOOL_DIR := $(BUILD)/host/attest/tool
ATTEST_GEN_OBJS := $(patsubst %.c,$(ATTEST_TOOL_DIR)/%.o,host/attest/gen_test_chain.c \
	host/attest/gen_embed.c host/attest/der.c)

$(ATTEST_TOOL_DIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Isvsm -Ihost/attest -c $< -o $@

$(ATTEST_TOOL_DIR)/emu_keys.o: $(EMU_PSP_GENERATED_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Isvsm -c $< -o $@

$(ATTEST_GEN): $(ATTEST_GEN_OBJS) $(MBEDTLS_HOSTED_LIBS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(ATTEST_GEN_OBJS) $(MBEDTLS_HOSTED_LIBS) $(HOST_LDFLAGS) -o $@

# One run writes every file of the chain; the C files stand for all of them.
$(EMU_PSP_GENERATED_SRC) $(EMU_TEST_CERTS_SRC) &: $(ATTEST_GEN)
	@mkdir -p $(@D)
	$(ATTEST_GEN) gen-test-chain --out-dir $(@D)

# --- In-guest tests -----------------------------------------------------------------------------
# The platform-free attestation tests can run inside the test image; the SVSM has no files, so the
# real SNP fixtures are embedded at build time (never copied into the repo). The bit-flip tests
# verify thousands of reports: under TCG, pick suites with care.
#   ATTEST_GUEST_TEST_SRCS       test sources (compile with SVSM_CRYPTO_CFLAGS -Isvsm -Itests/unit)
#   ATTEST_GUEST_GENERATED_SRCS  generated sources to compile with them
ATTEST_GUEST_FIXTURES_SRC   := $(ATTEST_TEST_CHAIN_DIR)/snp_fixtures.c
ATTEST_GUEST_TEST_SRCS      := $(ATTEST_TEST_SRCS:tests/unit/attest_host_support.c=tests/unit/attest_guest_support.c)
ATTEST_GUEST_GENERATED_SRCS := $(ATTEST_GUEST_FIXTURES_SRC) $(EMU_TEST_CERTS_SRC)
SNP_FIXTURE_FILES           := $(addprefix $(SNP_FIXTURES_DIR)/,milan-report.bin milan-vcek.der \
	milan-ask-ark.pem)

$(ATTEST_GUEST_FIXTURES_SRC): $(ATTEST_GEN) $(SNP_FIXTURE_FILES)
	@mkdir -p $(@D)
	$(ATTEST_GEN) embed-fixtures --out $@ $(SNP_FIXTURE_FILES)

# --- svsm-attest CLI --------------------------------------------------------------------------
ATTEST_CLI_SRCS := $(sort $(wildcard host/attest/cli_*.c))
ATTEST_CLI_OBJS := $(patsubst %.c,$(ATTEST_TOOL_DIR)/%.o,$(ATTEST_CLI_SRCS) $(ATTEST_SRCS) \
	$(EMU_PSP_SRCS) $(ATTEST_CRYPTO_SRCS) host/lib/host_env.c) $(ATTEST_TOOL_DIR)/emu_keys.o

$(SVSM_ATTEST): $(ATTEST_CLI_OBJS) $(MBEDTLS_HOSTED_LIBS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(ATTEST_CLI_OBJS) $(MBEDTLS_HOSTED_LIBS) $(HOST_LDFLAGS) -o $@

# --- Unit tests (ASan + UBSan) ----------------------------------------------------------------
ATTEST_SAN_DIR  := $(BUILD)/host/attest/san
ATTEST_TEST_OBJS := $(patsubst %.c,$(ATTEST_SAN_DIR)/%.o,$(ATTEST_SRCS) $(EMU_PSP_SRCS) \
	$(ATTEST_CRYPTO_SRCS) $(ATTEST_TEST_SRCS) $(ATTEST_FRAMEWORK)) $(ATTEST_SAN_DIR)/emu_keys.o \
	$(ATTEST_SAN_DIR)/emu_test_certs.o

$(ATTEST_SAN_DIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Isvsm -Ihost/attest -c $< -o $@

$(ATTEST_SAN_DIR)/emu_keys.o: $(EMU_PSP_GENERATED_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Isvsm -c $< -o $@

$(ATTEST_SAN_DIR)/emu_test_certs.o: $(EMU_TEST_CERTS_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Isvsm -Itests/unit -c $< -o $@

# runner.c defines test_note_failure() without a header prototype; not ours to change.
$(ATTEST_SAN_DIR)/tests/framework/runner.o: HOST_CFLAGS += -Wno-missing-prototypes

$(ATTEST_TEST_BIN): $(ATTEST_TEST_OBJS) $(MBEDTLS_HOSTED_LIBS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(ATTEST_TEST_OBJS) $(MBEDTLS_HOSTED_LIBS) \
		$(HOST_LDFLAGS) -o $@

ALL_TARGETS    += $(ATTEST_FREE_OBJS) $(EMU_PSP_FREE_OBJS) $(SVSM_ATTEST) $(ATTEST_TEST_BIN)
HOST_TEST_BINS += $(ATTEST_TEST_BIN)

# End-to-end tests of the CLI (a script speaking the runner protocol); `make test` builds all first.
export SVSM_ATTEST_TOOL := $(abspath $(SVSM_ATTEST))
HOST_TEST_SCRIPTS += host/attest/test_cli.sh

-include $(wildcard $(ATTEST_FREE_DIR)/*.d) $(ATTEST_TEST_OBJS:.o=.d) $(ATTEST_CLI_OBJS:.o=.d) \
	$(ATTEST_GEN_OBJS:.o=.d)
