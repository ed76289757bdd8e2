# Third-party libraries and the SVSM's freestanding C library.
#
# mbedTLS 3.6 and libcbor 0.10 come from Debian source packages (scripts/deps.sh fetches, verifies
# and extracts them under $(DEPS_DIR)/src) and are compiled here, without their own build systems,
# twice: hosted (host tools and tests) and freestanding (the SVSM). Our mbedTLS configuration is
# installed as <mbedtls/mbedtls_config.h> and our libcbor configuration as <cbor/configuration.h>
# in each include directory, so users need no extra defines.
#
# For other fragments:
#   MBEDTLS_HOSTED_LIBS, MBEDTLS_FREE_LIBS   libmbedx509.a libmbedcrypto.a, in link order
#   CBOR_HOSTED_LIB, CBOR_FREE_LIB           libcbor.a
#   DEPS_HOSTED_CFLAGS, DEPS_FREE_CFLAGS     include flags (already part of HOST_CFLAGS and
#                                            SVSM_CRYPTO_CFLAGS)
#   SVSM_LIBC                                the freestanding libc archive
#   SVSM_LIBC_CFLAGS                         its include flag (already part of FREE_BASE_FLAGS)
# Objects that include mbedTLS or libcbor headers need `| $(DEPS_STAMP)` (order-only; -MMD tracks
# the headers themselves); programs linking the archives list them as prerequisites.

MBEDTLS_VERSION := 3.6.6
CBOR_VERSION    := 0.10.2
DEPS_SRC        := $(DEPS_DIR)/src
MBEDTLS_SRC     := $(DEPS_SRC)/mbedtls-$(MBEDTLS_VERSION)
CBOR_SRC        := $(DEPS_SRC)/libcbor-$(CBOR_VERSION)

MBEDTLS_CONFIG      := svsm/crypto/mbedtls_config.h
CBOR_CONFIG_DIR     := svsm/lib/cbor_config
CBOR_CONFIG_HEADERS := $(CBOR_CONFIG_DIR)/cbor/configuration.h $(CBOR_CONFIG_DIR)/cbor/cbor_export.h
LIBC_DIR            := svsm/lib/libc
LIBC_HEADERS        := $(wildcard $(LIBC_DIR)/include/*.h)

MBEDTLS_HOSTED_LIBS := $(DEPS_HOSTED)/lib/libmbedx509.a $(DEPS_HOSTED)/lib/libmbedcrypto.a
MBEDTLS_FREE_LIBS   := $(DEPS_FREE)/lib/libmbedx509.a $(DEPS_FREE)/lib/libmbedcrypto.a
CBOR_HOSTED_LIB     := $(DEPS_HOSTED)/lib/libcbor.a
CBOR_FREE_LIB       := $(DEPS_FREE)/lib/libcbor.a
DEPS_HOSTED_CFLAGS  := -I$(DEPS_HOSTED)/include
DEPS_FREE_CFLAGS    := -I$(DEPS_FREE)/include
SVSM_LIBC           := $(BUILD)/svsm/libc.a
SVSM_LIBC_CFLAGS    := -I$(LIBC_DIR)/include
DEPS_ARCHIVES       := $(MBEDTLS_HOSTED_LIBS) $(MBEDTLS_FREE_LIBS) $(CBOR_HOSTED_LIB) $(CBOR_FREE_LIB)

ALL_TARGETS    += $(DEPS_STAMP) $(SVSM_LIBC) $(BUILD)/svsm/deps-linkcheck.elf
HOST_TEST_BINS += $(BUILD)/tests/unit-libc $(BUILD)/tests/unit-deps-freestanding

# Fetching needs the network and root, so it runs only when its inputs change; the sub-make then
# sees the extracted sources and (re)builds whatever objects are out of date.
$(DEPS_STAMP): scripts/deps.sh $(MBEDTLS_CONFIG) $(CBOR_CONFIG_HEADERS) $(LIBC_HEADERS)
	@scripts/deps.sh $(BUILD)
	@$(MAKE) --no-print-directory DEPS_BUILD_LIBS=1 deps-libs
	@touch $@

# `make deps` also repairs deleted archives; when nothing is missing it is a quick no-op.
deps: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory DEPS_BUILD_LIBS=1 deps-libs

.PHONY: deps-libs

ifeq ($(DEPS_BUILD_LIBS),)
# The archives are produced by the stamp's sub-make.
$(DEPS_ARCHIVES): $(DEPS_STAMP) ;
else

MBEDTLS_LIB_DIR     := $(MBEDTLS_SRC)/library
MBEDTLS_X509_SRCS   := $(addprefix $(MBEDTLS_LIB_DIR)/,x509.c x509_create.c x509_crl.c x509_crt.c \
                       x509_csr.c x509write.c x509write_crt.c x509write_csr.c pkcs7.c)
MBEDTLS_TLS_SRCS    := $(wildcard $(MBEDTLS_LIB_DIR)/ssl*.c) \
                       $(addprefix $(MBEDTLS_LIB_DIR)/,debug.c mps_reader.c mps_trace.c net_sockets.c)
MBEDTLS_CRYPTO_SRCS := $(filter-out $(MBEDTLS_X509_SRCS) $(MBEDTLS_TLS_SRCS), \
                       $(wildcard $(MBEDTLS_LIB_DIR)/*.c))
MBEDTLS_HEADERS     := $(patsubst $(MBEDTLS_SRC)/include/%,%, \
                       $(wildcard $(MBEDTLS_SRC)/include/mbedtls/*.h $(MBEDTLS_SRC)/include/psa/*.h))
CBOR_SRCS           := $(patsubst $(CBOR_SRC)/src/%,%,$(wildcard $(CBOR_SRC)/src/*.c \
                       $(CBOR_SRC)/src/cbor/*.c $(CBOR_SRC)/src/cbor/internal/*.c))
CBOR_HEADERS        := $(patsubst $(CBOR_SRC)/src/%,%, \
                       $(CBOR_SRC)/src/cbor.h $(wildcard $(CBOR_SRC)/src/cbor/*.h)) \
                       cbor/configuration.h cbor/cbor_export.h

ifeq ($(MBEDTLS_CRYPTO_SRCS),)
$(error $(MBEDTLS_SRC) has no sources: run scripts/deps.sh)
endif

# Third-party code is compiled as is: warnings off (-w), never edited.
DEPS_HOSTED_BUILD_CFLAGS := -std=gnu11 -O2 -g -fPIC -w -MMD -MP -DSVSM_HOSTED=1 $(DEPS_HOSTED_CFLAGS)
DEPS_FREE_BUILD_CFLAGS   := $(SVSM_CRYPTO_CFLAGS) -w

# $(call deps_variant,<dir>,<compiler>,<flags>): install headers, compile, archive.
define deps_variant
$(1)/include/mbedtls/%.h: $(MBEDTLS_SRC)/include/mbedtls/%.h
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/include/psa/%.h: $(MBEDTLS_SRC)/include/psa/%.h
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/include/mbedtls/mbedtls_config.h: $(MBEDTLS_CONFIG)
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/include/cbor.h: $(CBOR_SRC)/src/cbor.h
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/include/cbor/%.h: $(CBOR_SRC)/src/cbor/%.h
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/include/cbor/configuration.h: $(CBOR_CONFIG_DIR)/cbor/configuration.h
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/include/cbor/cbor_export.h: $(CBOR_CONFIG_DIR)/cbor/cbor_export.h
	@mkdir -p $$(@D) && cp $$< $$@

$(1)_HEADERS := $(addprefix $(1)/include/,$(MBEDTLS_HEADERS) $(CBOR_HEADERS))

$(1)/obj/mbedtls/%.o: $(MBEDTLS_LIB_DIR)/%.c | $$($(1)_HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$(2) $(3) -I$(MBEDTLS_LIB_DIR) -c $$< -o $$@
$(1)/obj/cbor/%.o: $(CBOR_SRC)/src/%.c | $$($(1)_HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$(2) $(3) -I$(CBOR_SRC)/src -c $$< -o $$@

$(1)/lib/libmbedcrypto.a: $(patsubst $(MBEDTLS_LIB_DIR)/%.c,$(1)/obj/mbedtls/%.o,$(MBEDTLS_CRYPTO_SRCS))
$(1)/lib/libmbedx509.a: $(patsubst $(MBEDTLS_LIB_DIR)/%.c,$(1)/obj/mbedtls/%.o,$(MBEDTLS_X509_SRCS))
$(1)/lib/libcbor.a: $(patsubst %.c,$(1)/obj/cbor/%.o,$(CBOR_SRCS))

-include $(wildcard $(1)/obj/mbedtls/*.d $(1)/obj/cbor/*.d $(1)/obj/cbor/*/*.d $(1)/obj/cbor/*/*/*.d)
endef

$(eval $(call deps_variant,$(DEPS_HOSTED),$(HOST_CC),$(DEPS_HOSTED_BUILD_CFLAGS)))
$(eval $(call deps_variant,$(DEPS_FREE),$(CC),$(DEPS_FREE_BUILD_CFLAGS)))

$(DEPS_ARCHIVES):
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@rm -f $@ && $(AR) rcs $@ $^

# Naming the installed headers here keeps make from deleting them as intermediate files.
deps-libs: $(DEPS_ARCHIVES) $($(DEPS_HOSTED)_HEADERS) $($(DEPS_FREE)_HEADERS)
	@:
endif

# The freestanding libc. -fno-tree-loop-distribute-patterns: the compiler must not replace the
# loops of memset & co. by calls to memset & co.
LIBC_SRCS       := $(wildcard $(LIBC_DIR)/*.c)
LIBC_OBJS       := $(patsubst $(LIBC_DIR)/%.c,$(BUILD)/svsm/libc/%.o,$(LIBC_SRCS))
LIBC_OWN_CFLAGS := -fno-tree-loop-distribute-patterns

$(BUILD)/svsm/libc/%.o: $(LIBC_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CFLAGS) $(LIBC_OWN_CFLAGS) -c $< -o $@

$(SVSM_LIBC): $(LIBC_OBJS)
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@rm -f $@ && $(AR) rcs $@ $^

# Link check: every object of the freestanding archives plus only the symbols the SVSM is meant to
# provide (svsm/lib/libc/linkcheck/linkcheck_svsm_symbols.c) must link with no undefined symbol.
LINKCHECK_DIR  := $(LIBC_DIR)/linkcheck
LINKCHECK_OBJS := $(patsubst $(LINKCHECK_DIR)/%.c,$(BUILD)/svsm/linkcheck/%.o, \
                  $(wildcard $(LINKCHECK_DIR)/*.c))

$(BUILD)/svsm/linkcheck/%.o: $(LINKCHECK_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(SVSM_CFLAGS) -c $< -o $@

$(BUILD)/svsm/deps-linkcheck.elf: $(LINKCHECK_OBJS) $(MBEDTLS_FREE_LIBS) $(CBOR_FREE_LIB) $(SVSM_LIBC)
	@echo "  LD      $@"
	@$(LD) -static -nostdlib --fatal-warnings -e linkcheck_entry -o $@ $(LINKCHECK_OBJS) \
		--whole-archive $(MBEDTLS_FREE_LIBS) $(CBOR_FREE_LIB) $(SVSM_LIBC) --no-whole-archive

# Host unit tests of the libc: the same sources built with SVSM_LIBC_PREFIX (functions become
# svsm_memcpy etc.) so they link next to glibc, which the tests use as the reference.
# libc_host_api.h is force-included so the compiler checks it against our headers.
LIBC_TEST_DIR          := $(BUILD)/host/libc
LIBC_TEST_FREE_SRCS    := tests/unit/libc_freestanding_shims.c
DEPS_FREE_TEST_SRCS    := tests/unit/libc_freestanding_archives.c
LIBC_TEST_SRCS         := $(filter-out $(LIBC_TEST_FREE_SRCS) $(DEPS_FREE_TEST_SRCS), \
                          $(wildcard tests/unit/libc_*.c))
LIBC_TEST_FRAMEWORK    := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
LIBC_HOST_FREE_CFLAGS  := $(COMMON_FLAGS) -ffreestanding -nostdinc \
                          -isystem $(shell $(CC) -print-file-name=include) $(SVSM_LIBC_CFLAGS) \
                          -I$(LIBC_DIR) -DSVSM_LIBC_PREFIX=1 $(SAN_FLAGS)
LIBC_PREFIXED_CFLAGS   := $(LIBC_HOST_FREE_CFLAGS) -mgeneral-regs-only $(LIBC_OWN_CFLAGS) \
                          -include $(LIBC_DIR)/libc_host_api.h
LIBC_TEST_OBJS := $(patsubst $(LIBC_DIR)/%.c,$(LIBC_TEST_DIR)/prefixed/%.o,$(LIBC_SRCS)) \
                  $(patsubst %.c,$(LIBC_TEST_DIR)/%.o,$(LIBC_TEST_SRCS) $(LIBC_TEST_FRAMEWORK)) \
                  $(patsubst %.c,$(LIBC_TEST_DIR)/free/%.o,$(LIBC_TEST_FREE_SRCS))

$(LIBC_TEST_DIR)/prefixed/%.o: $(LIBC_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(LIBC_PREFIXED_CFLAGS) -c $< -o $@

# Test code that must see our headers instead of glibc's (what they define inline).
$(LIBC_TEST_DIR)/free/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(LIBC_HOST_FREE_CFLAGS) -c $< -o $@

$(LIBC_TEST_DIR)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -I$(LIBC_DIR) -c $< -o $@

$(BUILD)/tests/unit-libc: $(LIBC_TEST_OBJS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $(SAN_FLAGS) $^ -lm -o $@

# The freestanding mbedTLS and libcbor archives run on the host, mbedTLS checked against OpenSSL
# (libssl-dev). Compiled against the freestanding configuration and linked non-PIE, because
# those objects are not position independent.
DEPS_FREE_TEST_DIR    := $(BUILD)/host/deps-freestanding
DEPS_FREE_TEST_CFLAGS := $(COMMON_FLAGS) -D_GNU_SOURCE -DSVSM_FREESTANDING=1 $(DEPS_FREE_CFLAGS) \
                         $(SAN_FLAGS)
DEPS_FREE_TEST_OBJS   := $(patsubst %.c,$(DEPS_FREE_TEST_DIR)/%.o,$(DEPS_FREE_TEST_SRCS)) \
                         $(patsubst %.c,$(LIBC_TEST_DIR)/%.o,$(LIBC_TEST_FRAMEWORK))

$(DEPS_FREE_TEST_DIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(DEPS_FREE_TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/unit-deps-freestanding: $(DEPS_FREE_TEST_OBJS) $(MBEDTLS_FREE_LIBS) $(CBOR_FREE_LIB)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) -no-pie $(SAN_FLAGS) $(DEPS_FREE_TEST_OBJS) $(MBEDTLS_FREE_LIBS) \
		$(CBOR_FREE_LIB) -lcrypto -lm -pthread -o $@

-include $(wildcard $(BUILD)/svsm/libc/*.d $(BUILD)/svsm/linkcheck/*.d \
	$(DEPS_FREE_TEST_DIR)/*/*/*.d $(LIBC_TEST_DIR)/*.d $(LIBC_TEST_DIR)/*/*.d \
	$(LIBC_TEST_DIR)/*/*/*.d $(LIBC_TEST_DIR)/*/*/*/*.d)
