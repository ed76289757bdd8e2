#!/usr/bin/env bash
# End-to-end live migration on the hosted platform over loopback: a source VM process, a target
# VM process booted in receive mode, and an svsm-migrate agent beside each (4 channels). Output is
# the test runner protocol (tests/framework/runner.c), so `make test` counts each scenario.
#
#   migrate_4_channels        the guest moves and finishes on the target; every vCPU's checksum
#                             is recomputed by workload-verify from its seed and step count
#   migrate_during_idle       a guest that did its steps and idles (--idle-ms) moves: it goes on
#                             idling on the target, and its checksums are still its steps'
#   refused_target_keeps_guest  a target from another image fails the source's migration policy:
#                             the source aborts, its guest finishes there, nothing lost
#   withheld_vcpu_keeps_guest the host withholds a source vCPU: the checkpoint times out, the
#                             migration aborts and the guest finishes on the source
#   tampered_page_keeps_guest the source's agent flips a bit of a PAGES record: the target fails
#                             authentication, runs nothing, and the guest finishes on the source
#   lost_go_runs_nowhere      the host withholds GO (design §3, the availability window): the
#                             source has handed over and stops, the target waits ACKED and never
#                             runs the guest: no second copy, ever
#   bad_input_is_refused      bad flags, a missing image and a memory file off tmpfs: clear
#                             errors, distinct exit codes, and the existing file is untouched
#
# Environment: TOOLS (build/tools), BUILD (build), HOSTED_VM (the VM program; the TSan build for
# `make e2e-hosted-tsan`), E2E_TIMEOUT (seconds per process, default 120).
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

TOOLS=${TOOLS:-build/tools}
BUILD=${BUILD:-build}
HOSTED_VM=${HOSTED_VM:-$TOOLS/svsm-hosted-vm}
AGENT=$TOOLS/svsm-migrate
VERIFY=$TOOLS/workload-verify
TIMEOUT=${E2E_TIMEOUT:-120}
VCPUS=2
STEPS=2000000
RATE=400
REGION=1M
REGION_BYTES=1048576
# migrate_during_idle: unthrottled steps, then an idle phase long enough to hold the migration.
IDLE_STEPS=20000
IDLE_MS=8000

WORK=$(mktemp -d /tmp/svsm-e2e-hosted.XXXXXX)
SHM_PREFIX=/dev/shm/svsm-e2e-hosted-$$
PIDS=()
send_extra=()
# Set: the sending agent starts only once the source says its guest idles.
wait_idle=""
# The source guest's steps and rate, if not STEPS and RATE.
guest_steps=""
guest_rate=""

trap 'cleanup_work "$SHM_PREFIX"' EXIT

passed=0
failed=0
# Set by the scenario functions: why the running scenario failed (empty: it passed).
problem=""

fail() {
	[ -z "$problem" ] && problem=$1
	echo "e2e: $1"
}

run_scenario() {
	local name=$1
	echo "[test] RUN hosted_e2e.$name"
	problem=""
	rm -f "$WORK"/*.log
	"$name"
	# The VMs end with _exit(): a sanitizer report shows in the logs, not in the exit status.
	if grep -l -E 'Sanitizer|runtime error:' "$WORK"/*.log 2>/dev/null; then
		fail "sanitizer report in the logs above"
		grep -h -A 30 -E 'Sanitizer|runtime error:' "$WORK"/*.log | head -n 80
	fi
	if [ -n "$problem" ]; then
		for log in "$WORK"/*.log; do
			echo "--- $(basename "$log") (last lines)"
			tail -n 15 "$log"
		done
	fi
	if [ -z "$problem" ]; then
		echo "[test] PASS hosted_e2e.$name"
		passed=$((passed + 1))
	else
		echo "[test] FAIL hosted_e2e.$name"
		failed=$((failed + 1))
	fi
}

# expect_exit NAME PID CODE...: the process ended with one of the codes.
expect_exit() {
	local what=$1 pid=$2
	shift 2
	exited_with "$pid" "$@" ||
		fail "$what exited $exit_code, expected $* (log: $(tail -n 3 "$WORK/$what.log" | tr '\n' ' '))"
}

# verify_results LOG [WANT_STEPS]: one [result] line per vCPU, each at WANT_STEPS (default
# STEPS) and matching a recomputation.
verify_results() {
	local log=$1 want=${2:-$STEPS} count=0 line
	while read -r line; do
		result_fields "$line"
		count=$((count + 1))
		[ "$r_steps" = "$want" ] || fail "$log: $line: expected steps=$want"
		[ "$r_size" = "$REGION_BYTES" ] || fail "$log: $line: expected size=$REGION_BYTES"
		replay_result "$VERIFY" >/dev/null ||
			fail "$log: checksum $r_sum does not match a run of $r_steps steps from seed $r_seed"
	done < <(grep '^\[result\] vcpu=' "$log")
	[ "$count" -eq "$VCPUS" ] || fail "$log: $count result lines, expected $VCPUS"
	echo "e2e: $log: $count vCPU checksums verified by workload-verify"
}

# migrate SOURCE_IMAGE TARGET_IMAGE [SOURCE_VM_FLAGS...]: starts both VMs and both agents (the
# sending one with the flags in $send_extra); pids in *_pid.
migrate() {
	local src_img=$1 dst_img=$2
	shift 2
	rm -f "$WORK/port"
	start target "$HOSTED_VM" --image "$dst_img" --memory-file "$SHM_PREFIX-dst" --ram 128M \
		--vcpus $VCPUS --incoming --stats-json "$WORK/target.json" --timeout "$TIMEOUT"
	target_pid=$last_pid
	start source "$HOSTED_VM" --image "$src_img" --memory-file "$SHM_PREFIX-src" --ram 128M \
		--vcpus $VCPUS --steps "${guest_steps:-$STEPS}" --writes-per-ms "${guest_rate:-$RATE}" \
		--region-size $REGION --stats-json "$WORK/source.json" --timeout "$TIMEOUT" "$@"
	source_pid=$last_pid
	wait_for_line "$WORK/target.log" '^\[hosted\] ready' || fail "target VM did not boot"
	wait_for_line "$WORK/source.log" '^\[hosted\] ready' || fail "source VM did not boot"
	start receive "$AGENT" receive --listen 127.0.0.1:0 --port-file "$WORK/port" \
		--memory-file "$SHM_PREFIX-dst" --image "$dst_img" --timeout "$TIMEOUT"
	receive_pid=$last_pid
	wait_for_file "$WORK/port" || fail "the receiving agent wrote no port"
	if [ -n "$wait_idle" ]; then
		wait_for_line "$WORK/source.log" '^\[hosted\] guest idle' ||
			fail "the source's guest did not report idle"
	fi
	start send "$AGENT" send --to "127.0.0.1:$(cat "$WORK/port" 2>/dev/null)" --channels 4 \
		--memory-file "$SHM_PREFIX-src" --image "$src_img" --stats-json "$WORK/send.json" \
		--timeout "$TIMEOUT" "${send_extra[@]}"
	send_pid=$last_pid
}

# Every process exited 0, the source handed over and printed nothing after, the target ran it.
expect_handed_over() {
	expect_exit send "$send_pid" 0
	expect_exit receive "$receive_pid" 0
	expect_exit source "$source_pid" 0
	expect_exit target "$target_pid" 0
	grep -q 'SOURCE_DONE' "$WORK/source.log" || fail "the source did not report SOURCE_DONE"
	grep -q '^\[result\]' "$WORK/source.log" && fail "the source printed results after handing over"
	grep -q 'arrived by migration' "$WORK/target.log" || fail "the target did not run the migrated guest"
}

migrate_4_channels() {
	migrate "$WORK/a.igvm" "$WORK/a.igvm"
	expect_handed_over
	grep -q "^\[hosted\] measurement $("$TOOLS/igvm" measure "$WORK/a.igvm")\$" "$WORK/target.log" ||
		fail "the VM's MEASUREMENT is not the image's launch digest (igvm measure)"
	grep -q '"outcome": "finished"' "$WORK/target.json" || fail "target stats: outcome not finished"
	grep -q '"svsm": {"channels": 4' "$WORK/send.json" || fail "the SVSMs did not agree on 4 channels"
	verify_results "$WORK/target.log"
	sed -n 's/^\[hosted\] \(vcpu .*gap.*\)/e2e: target \1/p' "$WORK/target.log"
}

migrate_during_idle() {
	local json
	wait_idle=1
	guest_steps=$IDLE_STEPS
	guest_rate=0
	migrate "$WORK/a.igvm" "$WORK/a.igvm" --idle-ms "$IDLE_MS"
	wait_idle=""
	guest_steps=""
	guest_rate=""
	expect_handed_over
	# The vCPU states arrived mid-idle: had the guest finished on the source, they would have
	# arrived done and never idled here.
	grep -q '^\[hosted\] guest idle' "$WORK/target.log" ||
		fail "the guest did not idle on the target: it finished before the migration"
	json=$(grep -c "\"idle_ns\": ${IDLE_MS}000000, \"idle_done_ns\": ${IDLE_MS}000000" \
		"$WORK/target.json")
	[ "$json" -eq "$VCPUS" ] || fail "target stats: $json of $VCPUS vCPUs idled ${IDLE_MS} ms"
	verify_results "$WORK/target.log" "$IDLE_STEPS"
	sed -n 's/^\[hosted\] \(vcpu .*gap.*\)/e2e: target \1/p' "$WORK/target.log"
}

refused_target_keeps_guest() {
	migrate "$WORK/a.igvm" "$WORK/b.igvm"
	# Whichever SVSM refuses first decides it: the source's own refusal (6), or the target
	# agent hanging up first, after which the source agent aborts its SVSM (5).
	expect_exit send "$send_pid" 5 6
	expect_exit receive "$receive_pid" 6
	expect_exit source "$source_pid" 0
	expect_exit target "$target_pid" 6
	grep -q 'aborted' "$WORK/source.log" || fail "the source did not say the migration was aborted"
	grep -q '^\[result\]' "$WORK/target.log" && fail "the refused target ran the guest"
	verify_results "$WORK/source.log"
}

withheld_vcpu_keeps_guest() {
	migrate "$WORK/a.igvm" "$WORK/a.igvm" --test-withhold-vcpu 1
	expect_exit send "$send_pid" 6
	expect_exit receive "$receive_pid" 5 6
	expect_exit source "$source_pid" 0
	expect_exit target "$target_pid" 6
	grep -q 'VCPU_TIMEOUT' "$WORK/send.log" || fail "the source agent did not report VCPU_TIMEOUT"
	grep -q 'aborted' "$WORK/source.log" || fail "the source did not say the migration was aborted"
	grep -q '^\[result\]' "$WORK/target.log" && fail "the target ran the guest"
	verify_results "$WORK/source.log"
}

tampered_page_keeps_guest() {
	send_extra=(--inject flip@PAGES:10)
	migrate "$WORK/a.igvm" "$WORK/a.igvm"
	send_extra=()
	expect_exit send "$send_pid" 5 6
	expect_exit receive "$receive_pid" 5 6
	expect_exit source "$source_pid" 0
	expect_exit target "$target_pid" 6
	grep -q 'TEST-ONLY fault' "$WORK/send.log" || fail "the agent did not inject the fault"
	grep -q 'authentication' "$WORK/target.log" || fail "the target did not fail authentication"
	grep -q 'aborted' "$WORK/source.log" || fail "the source did not say the migration was aborted"
	grep -q '^\[result\]' "$WORK/target.log" && fail "the target ran the guest"
	verify_results "$WORK/source.log"
	# How long the refused migration paused the guest (availability, not safety: reported).
	sed -n 's/^\[hosted\] \(vcpu .*gap.*\)/e2e: source \1/p' "$WORK/source.log"
}

lost_go_runs_nowhere() {
	send_extra=(--inject drop@GO)
	migrate "$WORK/a.igvm" "$WORK/a.igvm"
	send_extra=()
	expect_exit send "$send_pid" 0
	expect_exit source "$source_pid" 0
	# The receiving agent sees its peer hang up; it never aborts an ACKED target, which may
	# still get GO from a host that resends it.
	expect_exit receive "$receive_pid" 5
	grep -q 'TARGET_ACKED' "$WORK/receive.log" || fail "the target was not left ACKED"
	grep -q 'SOURCE_DONE' "$WORK/source.log" || fail "the source did not hand over"
	grep -q '^\[result\]' "$WORK/source.log" && fail "the source ran the guest after GO"
	# Still waiting for GO a while later, having run nothing.
	sleep 2
	kill -0 "$target_pid" 2>/dev/null || fail "the target VM ended instead of waiting for GO"
	kill "$target_pid" 2>/dev/null
	wait "$target_pid" 2>/dev/null
	grep -q '^\[result\]' "$WORK/target.log" && fail "the target ran the guest without GO"
}

# expect_refusal CODE PATTERN VM_ARGS...: the VM exits CODE at once and says PATTERN.
expect_refusal() {
	local want=$1 pattern=$2 got
	shift 2
	timeout 20 "$HOSTED_VM" "$@" >"$WORK/refusal.log" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "svsm-hosted-vm $*: exit $got, expected $want"
	grep -q -- "$pattern" "$WORK/refusal.log" ||
		fail "svsm-hosted-vm $*: no message matching '$pattern' ($(head -n 1 "$WORK/refusal.log"))"
}

bad_input_is_refused() {
	local img=$WORK/a.igvm shm=$SHM_PREFIX-cli
	local ok=(--image "$img" --memory-file "$shm" --ram 128M --vcpus 1)
	expect_refusal 2 'required' --vcpus 1
	expect_refusal 2 'unknown option' "${ok[@]}" --bogus
	expect_refusal 2 'given twice' "${ok[@]}" --vcpus 2
	expect_refusal 2 'vcpus must be' --image "$img" --memory-file "$shm" --ram 128M --vcpus 0
	expect_refusal 2 'bad value for --ram' --image "$img" --memory-file "$shm" --ram 12X --vcpus 1
	expect_refusal 2 'ram must be' --image "$img" --memory-file "$shm" --ram 65M --vcpus 1
	expect_refusal 2 'does not fit' "${ok[@]}" --region-size 128M
	expect_refusal 2 'region-size must be' "${ok[@]}" --region-size 1000
	expect_refusal 2 'bad value for --steps' "${ok[@]}" --steps -1
	expect_refusal 2 'bad value for --idle-ms' "${ok[@]}" --idle-ms 1s
	expect_refusal 2 'idle-ms must be at most' "${ok[@]}" --idle-ms 86400001
	expect_refusal 2 'idle-ms needs --steps' "${ok[@]}" --idle-ms 10 --steps 0
	expect_refusal 2 'test-withhold-vcpu' "${ok[@]}" --test-withhold-vcpu 1
	expect_refusal 3 'no-such.igvm' --image "$WORK/no-such.igvm" --memory-file "$shm" \
		--ram 128M --vcpus 1
	[ -e "$shm" ] && fail "a refused command line created the memory file"
	# Not on tmpfs: refused before the file is opened, so its contents survive.
	echo keep >"$WORK/precious"
	expect_refusal 4 'tmpfs' --image "$img" --memory-file "$WORK/precious" --ram 128M --vcpus 1
	[ "$(cat "$WORK/precious")" = keep ] || fail "a refused memory file was modified"
}

echo "[test] PLAN 7"
missing=""
for f in "$HOSTED_VM" "$AGENT" "$VERIFY" "$TOOLS/igvm" "$TOOLS/svsm-attest" "$BUILD/svsm.elf" \
	"$BUILD/guest/guest.elf" "$BUILD/igvm/reset_stub.bin"; do
	[ -e "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
	echo "e2e: missing:$missing (make e2e-hosted builds them)"
elif ! make_image "$WORK/a.igvm" >"$WORK/image.log" 2>&1 ||
	! make_image "$WORK/b.igvm" --min-tcb bl=1,tee=0,snp=0,ucode=0 >>"$WORK/image.log" 2>&1; then
	echo "e2e: cannot build the test images: $(cat "$WORK/image.log")"
	missing=images
fi
if [ -n "$missing" ]; then
	for t in migrate_4_channels migrate_during_idle refused_target_keeps_guest withheld_vcpu_keeps_guest \
		tampered_page_keeps_guest lost_go_runs_nowhere bad_input_is_refused; do
		echo "[test] FAIL hosted_e2e.$t"
	done
	echo "[test] DONE 0 passed, 7 failed"
	exit 1
fi
run_scenario migrate_4_channels
run_scenario migrate_during_idle
run_scenario refused_target_keeps_guest
run_scenario withheld_vcpu_keeps_guest
run_scenario tampered_page_keeps_guest
run_scenario lost_go_runs_nowhere
run_scenario bad_input_is_refused
echo "[test] DONE $passed passed, $failed failed"
[ "$failed" -eq 0 ]
