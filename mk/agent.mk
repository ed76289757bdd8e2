# The VMM-side migration agent (host/agent, docs/agent.md): build/tools/svsm-migrate, its unit
# tests build/tests/unit-agent (ASan+UBSan), the threaded pump tests again under ThreadSanitizer
# (build/tests/unit-agent-tsan), and the fault matrix against hosted VMs (`make agent-faults`,
# tests/agent/faults-hosted.sh, also run by `make test`).
#
# The agent links the wire layer of svsm/migrate (rings, control page, record header decoder),
# which pulls in svsm/crypto, libcbor and mbedTLS, and the IGVM parser. This fragment is read
# before migrate.mk, crypto.mk and deps.mk, so it names those sources and archives itself and
# compiles its own copies under build/host/agent/{tool,san}/.

AGENT_DIR        := $(BUILD)/host/agent
AGENT_TOOL       := $(BUILD)/tools/svsm-migrate
AGENT_TEST_BIN   := $(BUILD)/tests/unit-agent
AGENT_SRCS       := $(filter-out host/agent/main.c,$(sort $(wildcard host/agent/*.c)))
AGENT_WIRE_SRCS  := svsm/migrate/ring.c svsm/migrate/control.c svsm/migrate/record.c \
                    svsm/crypto/crypto.c svsm/crypto/crypto_aead.c svsm/crypto/crypto_kdf.c \
                    svsm/crypto/crypto_ecc.c svsm/crypto/gcm_x86.c
AGENT_IGVM_SRCS  := igvm/image.c igvm/parser.c igvm/writer.c
AGENT_TEST_SRCS  := $(sort $(wildcard tests/unit/agent_*.c))
AGENT_FRAMEWORK  := tests/framework/runner.c tests/framework/host_main.c
AGENT_DEPS_LIBS  := $(DEPS_HOSTED)/lib/libcbor.a $(DEPS_HOSTED)/lib/libmbedx509.a \
                    $(DEPS_HOSTED)/lib/libmbedcrypto.a
AGENT_CFLAGS     := $(HOST_CFLAGS) -Ihost/agent

AGENT_TOOL_OBJS := $(patsubst %.c,$(AGENT_DIR)/tool/%.o,$(AGENT_SRCS) host/agent/main.c \
                   $(AGENT_WIRE_SRCS) $(AGENT_IGVM_SRCS) host/lib/host_env.c)
AGENT_TEST_OBJS := $(patsubst %.c,$(AGENT_DIR)/san/%.o,$(AGENT_SRCS) $(AGENT_WIRE_SRCS) \
                   $(AGENT_IGVM_SRCS) $(AGENT_TEST_SRCS) $(AGENT_FRAMEWORK) host/lib/host_env.c)

# The pump's channel threads share the injector, the capture and the counters: TSan checks them.
AGENT_TSAN_BIN  := $(BUILD)/tests/unit-agent-tsan
AGENT_TSAN_TESTS := tests/unit/agent_pump_test.c tests/unit/agent_fake_svsm.c
AGENT_TSAN_OBJS := $(patsubst %.c,$(AGENT_DIR)/tsan/%.o,$(AGENT_SRCS) $(AGENT_WIRE_SRCS) \
                   $(AGENT_IGVM_SRCS) $(AGENT_TSAN_TESTS) $(AGENT_FRAMEWORK) host/lib/host_env.c)

# Every TEST-ONLY fault against two hosted VMs, each with its documented outcome.
AGENT_FAULTS_SCRIPT := tests/agent/faults-hosted.sh

ALL_TARGETS       += $(AGENT_TOOL) $(AGENT_TEST_BIN) $(AGENT_TSAN_BIN)
HOST_TEST_BINS    += $(AGENT_TEST_BIN) $(AGENT_TSAN_BIN)
HOST_TEST_SCRIPTS += $(AGENT_FAULTS_SCRIPT)

.PHONY: agent-faults
agent-faults: all
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) $(AGENT_FAULTS_SCRIPT)

$(AGENT_DIR)/tool/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(AGENT_CFLAGS) -c $< -o $@

$(AGENT_DIR)/san/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(AGENT_CFLAGS) $(SAN_FLAGS) $(EXTRA_AGENT_TEST_CFLAGS) -c $< -o $@

# control.c's sequence lock uses a fence TSan cannot model; it warns (-Wtsan) but the
# release/acquire pairs around it are what the race detector checks.
$(AGENT_DIR)/tsan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(AGENT_CFLAGS) $(TSAN_FLAGS) -Wno-tsan -c $< -o $@

# The command-line tests run the tool itself.
$(AGENT_DIR)/san/tests/unit/agent_cli_test.o: EXTRA_AGENT_TEST_CFLAGS := \
	-DAGENT_TOOL_BIN='"$(abspath $(AGENT_TOOL))"'
$(AGENT_TEST_BIN): | $(AGENT_TOOL)

$(AGENT_TOOL): $(AGENT_TOOL_OBJS) $(AGENT_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

$(AGENT_TEST_BIN): $(AGENT_TEST_OBJS) $(AGENT_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $(SAN_FLAGS) $^ -o $@

$(AGENT_TSAN_BIN): $(AGENT_TSAN_OBJS) $(AGENT_DEPS_LIBS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $(TSAN_FLAGS) $^ -o $@

-include $(AGENT_TOOL_OBJS:.o=.d) $(AGENT_TEST_OBJS:.o=.d) $(AGENT_TSAN_OBJS:.o=.d)
