#!/usr/bin/env bash
# Sums the runner protocol (tests/framework/runner.c) over every log given and prints the one
# closing line `make test` ends with. A run that died before finishing (crash, timeout) counts
# its unfinished tests as failed: PLAN minus PASS minus FAIL.
set -euo pipefail
passed=0
failed=0
for log in "$@"; do
	if [ ! -s "$log" ]; then
		echo "summary: $log is missing or empty: counted as 1 failed" >&2
		failed=$((failed + 1))
		continue
	fi
	plan=$(grep -a -c '^\[test\] PLAN' "$log" || true)
	planned=$(grep -a '^\[test\] PLAN' "$log" | awk '{s += $3} END {print s + 0}')
	p=$(grep -a -c '^\[test\] PASS ' "$log" || true)
	f=$(grep -a -c '^\[test\] FAIL ' "$log" || true)
	lost=$((planned - p - f))
	if [ "$plan" -eq 0 ]; then
		echo "summary: $log has no test plan (the run did not start): counted as 1 failed" >&2
		lost=1
	elif [ "$lost" -gt 0 ]; then
		echo "summary: $log: $lost planned test(s) never finished: counted as failed" >&2
	fi
	[ "$lost" -lt 0 ] && lost=0
	passed=$((passed + p))
	failed=$((failed + f + lost))
done
grep -a -h '^\[test\] FAIL ' "$@" 2>/dev/null | sed 's/^\[test\] FAIL /failed: /' || true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
