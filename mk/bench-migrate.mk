# Migration benchmarks (docs/benchmarks.md): `make bench-migrate` runs scripts/bench-migrate.sh,
# which migrates 1 GiB hosted guests over loopback and compares them with bench-tcp-copy, the
# plain copy of as much memory over as many TCP connections, measured in the same run.
#   build/tools/bench-tcp-copy  the transport's ceiling (host/bench/tcp_copy.c)
#   build/tools/bench-mem-scan  non-zero pages of a memory file range (host/bench/mem_scan.c)

BENCH_MIGRATE_DIR     := $(BUILD)/host/bench-migrate
BENCH_TCP_COPY        := $(BUILD)/tools/bench-tcp-copy
BENCH_MEM_SCAN        := $(BUILD)/tools/bench-mem-scan
BENCH_MIGRATE_SCRIPT  := scripts/bench-migrate.sh
BENCH_MIGRATE_CFLAGS  := $(HOST_CFLAGS)

$(BENCH_MIGRATE_DIR)/%.o: host/bench/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(BENCH_MIGRATE_CFLAGS) -c $< -o $@

$(BENCH_MIGRATE_DIR)/parse.o: host/lib/parse.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(BENCH_MIGRATE_CFLAGS) -c $< -o $@

$(BENCH_TCP_COPY): $(BENCH_MIGRATE_DIR)/tcp_copy.o $(BENCH_MIGRATE_DIR)/parse.o
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS)

$(BENCH_MEM_SCAN): $(BENCH_MIGRATE_DIR)/mem_scan.o $(BENCH_MIGRATE_DIR)/parse.o
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS)

# BENCH_MIGRATE_ARGS: extra flags for the script (scripts/bench-migrate.sh --help).
.PHONY: bench-migrate
bench-migrate: all
	@TOOLS=$(BUILD)/tools BUILD=$(BUILD) $(BENCH_MIGRATE_SCRIPT) $(BENCH_MIGRATE_ARGS)

# Fragments are read in name order, so this one comes before crypto.mk: within `make bench`,
# wait for the other benchmarks, which would otherwise run first-to-last or, under -j, at the
# same time and skew both measurements.
ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-migrate: | bench-crypto
endif

ALL_TARGETS   += $(BENCH_TCP_COPY) $(BENCH_MEM_SCAN)
BENCH_TARGETS += bench-migrate

-include $(BENCH_MIGRATE_DIR)/tcp_copy.d $(BENCH_MIGRATE_DIR)/mem_scan.d $(BENCH_MIGRATE_DIR)/parse.d
