# Shared variables for every fragment.
BUILD        ?= build
CC           ?= gcc
HOST_CC      ?= $(CC)
NASM         ?= nasm
LD           ?= ld
OBJCOPY      ?= objcopy
DEPS_DIR     := $(BUILD)/deps
DEPS_HOSTED  := $(DEPS_DIR)/hosted
DEPS_FREE    := $(DEPS_DIR)/freestanding
DEPS_STAMP   := $(DEPS_DIR)/.stamp

WARN_FLAGS   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
                -Wno-unused-parameter
COMMON_FLAGS := -std=gnu11 -g -O2 $(WARN_FLAGS) -Iinclude -I. -MMD -MP

# Host programs and tests link hosted mbedTLS/libcbor from build/deps/hosted.
HOST_CFLAGS  := $(COMMON_FLAGS) -D_GNU_SOURCE -DSVSM_HOSTED=1 -I$(DEPS_HOSTED)/include -pthread
HOST_LDFLAGS := -pthread -L$(DEPS_HOSTED)/lib
SAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
TSAN_FLAGS   := -fsanitize=thread -fno-omit-frame-pointer

# The SVSM is freestanding: our own small libc, no red zone (interrupts on the same stack), and
# no SSE in general code so that guest FPU state is never clobbered behind its back. Crypto code
# (mbedTLS, svsm/crypto) may use SSE/AES-NI and only runs on the SVSM's own CPU.
FREE_BASE_FLAGS := -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
                   -Isvsm/lib/libc/include -fno-pic -fno-pie -fno-stack-protector \
                   -mno-red-zone -mcmodel=small -fno-asynchronous-unwind-tables -fcf-protection=none
SVSM_CFLAGS   := $(COMMON_FLAGS) $(FREE_BASE_FLAGS) -DSVSM_FREESTANDING=1 -mgeneral-regs-only
SVSM_CRYPTO_CFLAGS := $(COMMON_FLAGS) $(FREE_BASE_FLAGS) -DSVSM_FREESTANDING=1 -msse2 -maes -mpclmul \
                   -I$(DEPS_FREE)/include
NASM_FLAGS    := -f elf64 -g -F dwarf -Iinclude/

# The migration policy measured into the images (docs/policy.md). The default is a TEST policy:
# the peer must run the same image (same launch digest) and emulated reports are accepted, which
# is what the qemu and hosted platforms have. Production images pass their own.
IGVM_POLICY ?= $(BUILD)/attest/test-policy.bin

ALL_TARGETS :=
HOST_TEST_BINS :=
