# SVSM memory-management building blocks (svsm/mm): compiled freestanding for the SVSM link and
# hosted, with sanitizers, for the unit tests in build/tests/unit-mm.
SVSM_MM_SRCS := svsm/mm/bitmap.c svsm/mm/memmap.c svsm/mm/page_alloc.c
SVSM_MM_OBJS := $(patsubst svsm/%.c,$(BUILD)/svsm/%.o,$(SVSM_MM_SRCS))

MM_TEST_SRCS := $(sort $(wildcard tests/unit/mm_*.c))
MM_TEST_FRAMEWORK := tests/framework/runner.c tests/framework/host_main.c host/lib/host_env.c
MM_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/mm/%.o,$(SVSM_MM_SRCS) $(MM_TEST_SRCS) \
	$(MM_TEST_FRAMEWORK))
MM_TEST_BIN := $(BUILD)/tests/unit-mm

ALL_TARGETS += $(SVSM_MM_OBJS) $(MM_TEST_BIN)
HOST_TEST_BINS += $(MM_TEST_BIN)

$(BUILD)/svsm/mm/%.o: svsm/mm/%.c
	@mkdir -p $(@D)
	$(CC) $(SVSM_CFLAGS) -c $< -o $@

$(BUILD)/host/mm/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Isvsm -c $< -o $@

$(MM_TEST_BIN): $(MM_HOST_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $^ $(HOST_LDFLAGS) -o $@

-include $(SVSM_MM_OBJS:.o=.d) $(MM_HOST_OBJS:.o=.d)
