# svsm-migrate top-level Makefile. Each part of the tree has a fragment in mk/; this file only
# names the entry points. `make` builds everything, `make test` runs every test, `make demo` runs
# the main job, `make bench` prints the benchmarks. `make deps` is run by all of them when needed.
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

include mk/common.mk
# deps.mk first: the other fragments use the library variables it defines.
include mk/deps.mk
-include $(sort $(filter-out mk/common.mk mk/deps.mk,$(wildcard mk/*.mk)))

.PHONY: all deps test demo bench clean format format-check tidy

all: $(ALL_TARGETS)

# Keeps build/deps: refetching and rebuilding the libraries is slow and they rarely change.
clean:
	rm -rf $(filter-out $(DEPS_DIR),$(wildcard $(BUILD)/*))

# Formatting covers our own C sources only; dependencies live under build/deps.
FORMAT_SOURCES = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(FORMAT_SOURCES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SOURCES)
