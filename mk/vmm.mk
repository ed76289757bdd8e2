# svsm-vmm-prep: what a VMM does for svsm-migrate that Debian's QEMU cannot (host/vmm).
VMM_PREP := $(BUILD)/tools/svsm-vmm-prep
VMM_PREP_OBJS := $(BUILD)/host/vmm/vmm_prep.o $(BUILD)/host/vmm/control.o $(BUILD)/host/vmm/host_env.o \
                 $(BUILD)/host/vmm/parse.o

ALL_TARGETS += $(VMM_PREP)

$(BUILD)/host/vmm/vmm_prep.o: host/vmm/vmm_prep.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/vmm/control.o: svsm/migrate/control.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(VMM_PREP): $(VMM_PREP_OBJS)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

-include $(VMM_PREP_OBJS:.o=.d)

$(BUILD)/host/vmm/host_env.o: host/lib/host_env.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/vmm/parse.o: host/lib/parse.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
