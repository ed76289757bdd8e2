#!/usr/bin/env bash
# Runs every libFuzzer target in $FUZZ_DIR for $FUZZ_SECONDS each on its generated seed corpus,
# reporting in the test runner protocol (tests/framework/runner.c) so `make test` counts each
# target as one test: PASS when the run ends without a finding, FAIL on a crash, a leak, a
# sanitizer report or a missing binary. Findings go to $FUZZ_DIR/artifacts.
set -uo pipefail

FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-3}
targets=(record ring control)

echo "[test] PLAN ${#targets[@]}"
passed=0
failed=0
mkdir -p "$FUZZ_DIR/artifacts"
for t in "${targets[@]}"; do
	echo "[test] RUN fuzz.$t"
	bin="$FUZZ_DIR/fuzz-$t"
	seeds="$FUZZ_DIR/seeds/$t"
	corpus="$FUZZ_DIR/corpus/$t"
	log="$FUZZ_DIR/fuzz-$t.log"
	if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
		echo "fuzz: $bin or $seeds is missing (make fuzz-smoke builds them)"
		echo "[test] FAIL fuzz.$t"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$corpus"
	if "$bin" "$corpus" "$seeds" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
		-artifact_prefix="$FUZZ_DIR/artifacts/$t-" -print_final_stats=1 >"$log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|Done)' "$log" || true
		echo "[test] PASS fuzz.$t"
		passed=$((passed + 1))
	else
		tail -n 40 "$log"
		echo "[test] FAIL fuzz.$t"
		failed=$((failed + 1))
	fi
done
echo "[test] DONE $passed passed, $failed failed"
[ "$failed" -eq 0 ]
