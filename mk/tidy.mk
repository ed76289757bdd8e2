# `make tidy`: clang-tidy with the root .clang-tidy (every finding is an error) over every C file
# of ours, each parsed the way the build compiles it: the SVSM's freestanding flags, the guest
# payload's, or the hosted ones (code built both ways, like svsm/mm or svsm/migrate, is checked
# hosted). Files run in parallel (TIDY_JOBS); it reports nothing when clean and fails otherwise.
# It needs the generated headers and the dependencies' headers, so it builds `all` first.
CLANG_TIDY ?= clang-tidy
TIDY_JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

# clang-tidy reports its own checks, not the compiler's warnings (gcc's -Werror build does that),
# and clang lacks a few of gcc's flags: keep defines, include paths and target flags only.
TIDY_DROP  := $(WARN_FLAGS) $(SAN_FLAGS) -g -O2 -O1 -MMD -MP -fno-tree-loop-distribute-patterns
tidy_flags  = $(filter-out $(TIDY_DROP),$(1))

TIDY_FREE_FLAGS   := $(call tidy_flags,$(SVSM_CFLAGS)) $(DEPS_FREE_CFLAGS) -Isvsm -Itests/unit \
                     -I$(SVSM_GEN) -DSVSM_PLAT_$(shell echo $(SVSM_PLAT) | tr a-z A-Z)=1
TIDY_GUEST_FLAGS  := $(call tidy_flags,$(GUEST_CFLAGS))
TIDY_HOSTED_FLAGS := $(call tidy_flags,$(HOSTED_CFLAGS)) -Ihost/agent -Ihost/attest -Itests/unit \
                     -I$(BUILD)/attest
# The libc's host tests see the libc's own headers (mk/deps.mk), and the freestanding-archive
# test the freestanding mbedTLS configuration.
TIDY_LIBC_FREE_FLAGS := $(call tidy_flags,$(LIBC_HOST_FREE_CFLAGS))
TIDY_DEPS_FREE_FLAGS := $(call tidy_flags,$(DEPS_FREE_TEST_CFLAGS))

TIDY_SRCS := $(shell git ls-files 'svsm/*.c' 'host/*.c' 'igvm/*.c' 'guest/*.c' 'tests/*.c')

.PHONY: tidy tidy-files
tidy: all
	@echo "  TIDY    $(words $(TIDY_SRCS)) files ($(TIDY_JOBS) jobs)"
	@$(MAKE) --no-print-directory -k -j$(TIDY_JOBS) tidy-files

tidy-files: $(addprefix tidy/,$(TIDY_SRCS))

# Targets under tidy/ are never files: each run checks every source again. Only findings are
# printed, not clang's count of the warnings it suppressed in headers and system code.
tidy/%: %
	@out=$$($(CLANG_TIDY) --quiet $< -- $(TIDY_FLAGS) $(TIDY_EXTRA) 2>&1); rc=$$?; \
	printf '%s\n' "$$out" | grep -v -e '^[0-9]* warnings\? generated\.$$' -e '^$$' || true; \
	exit $$rc

# Hosted unless the file is only ever built for the SVSM or the guest payload.
tidy/%: TIDY_FLAGS = $(TIDY_HOSTED_FLAGS)
$(addprefix tidy/,$(filter-out $(HOSTED_CORE_SRCS),$(filter svsm/core/% svsm/arch/% \
	svsm/plat/qemu/% svsm/lib/libc/% tests/guest/%,$(TIDY_SRCS)))): TIDY_FLAGS = $(TIDY_FREE_FLAGS)
$(addprefix tidy/,$(filter guest/%,$(TIDY_SRCS))): TIDY_FLAGS = $(TIDY_GUEST_FLAGS)
$(addprefix tidy/,$(LIBC_TEST_FREE_SRCS)): TIDY_FLAGS = $(TIDY_LIBC_FREE_FLAGS)
$(addprefix tidy/,$(DEPS_FREE_TEST_SRCS)): TIDY_FLAGS = $(TIDY_DEPS_FREE_FLAGS)
$(addprefix tidy/,$(LIBC_TEST_SRCS)): TIDY_EXTRA = -I$(LIBC_DIR)

# Paths the build passes to tests as defines (mk/agent.mk, mk/igvm.mk, mk/guest.mk).
tidy/tests/unit/agent_cli_test.c: TIDY_EXTRA = -DAGENT_TOOL_BIN='"$(abspath $(AGENT_TOOL))"'
tidy/tests/unit/igvm_cli_test.c: TIDY_EXTRA = -DIGVM_TOOL_BIN='"$(abspath $(IGVM_TOOL))"'
tidy/tests/unit/igvm_helpers.c: TIDY_EXTRA = -DIGVM_RESET_STUB_BIN='"$(IGVM_RESET_STUB)"'
tidy/tests/unit/workload_guest.c tidy/tests/unit/workload_verify.c: TIDY_EXTRA = \
	-DWORKLOAD_VERIFY_BIN='"$(WORKLOAD_VERIFY)"' -DGUEST_ELF_PATH='"$(GUEST_ELF)"'
