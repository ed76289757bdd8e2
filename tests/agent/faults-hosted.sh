#!/usr/bin/env bash
# The agent's TEST-ONLY faults against two real hosted VMs (docs/agent.md, "Fault injection"):
# each fault must end the way the design says, with nothing lost. Output is the test runner
# protocol (tests/framework/runner.c), so `make test` counts each scenario.
#
#   drop, duplicate, reorder, replay  a PAGES record: the target fails SEQUENCE
#   truncate                          a PAGES record: the target fails MALFORMED
#   flip_incoming_ack                 the target's ACK, on the source agent: the source fails AUTH
#   delay                             a PAGES record held 300 ms: the migration still completes
#
# In every failing case no guest code runs on the target, the guest finishes on the source
# (the source VM exits 0) and the agents exit with their documented codes.
#
# Environment: TOOLS (build/tools), BUILD (build), FAULTS_TIMEOUT (seconds per process, 120).
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"

TOOLS=${TOOLS:-build/tools}
BUILD=${BUILD:-build}
AGENT=$TOOLS/svsm-migrate
VM=$TOOLS/svsm-hosted-vm
TIMEOUT=${FAULTS_TIMEOUT:-120}
SCENARIOS=(drop duplicate reorder replay truncate flip_incoming_ack delay)

WORK=$(mktemp -d /tmp/svsm-agent-faults.XXXXXX)
SHM=/dev/shm/svsm-agent-faults-$$
PIDS=()
trap 'cleanup_work "$SHM"' EXIT

problem=""
fail() {
	[ -z "$problem" ] && problem=$1
	echo "faults: $1"
}

booted() {
	grep -q '^\[hosted\] ready' "$WORK/source.log" 2>/dev/null &&
		grep -q '^\[hosted\] ready' "$WORK/target.log" 2>/dev/null
}

has_port() {
	[ -s "$WORK/port" ]
}

# migrate SEND_FLAGS... -- RECEIVE_FLAGS...: both VMs and both agents; pids in *_pid.
migrate() {
	local send_flags=() recv_flags=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		send_flags+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	recv_flags=("$@")
	rm -f "$WORK"/*.log "$WORK/port"
	start target "$VM" --image "$WORK/a.igvm" --memory-file "$SHM-dst" --ram 128M --vcpus 2 \
		--incoming --timeout "$TIMEOUT"
	target_pid=$last_pid
	start source "$VM" --image "$WORK/a.igvm" --memory-file "$SHM-src" --ram 128M --vcpus 2 \
		--steps 2000000 --writes-per-ms 400 --region-size 1M --timeout "$TIMEOUT"
	source_pid=$last_pid
	until_true 400 booted || fail "the VMs did not boot"
	start receive "$AGENT" receive --listen 127.0.0.1:0 --port-file "$WORK/port" \
		--memory-file "$SHM-dst" --image "$WORK/a.igvm" --timeout "$TIMEOUT" \
		--stats-json "$WORK/receive.json" "${recv_flags[@]}"
	receive_pid=$last_pid
	until_true 200 has_port || fail "the receiving agent wrote no port"
	start send "$AGENT" send --to "127.0.0.1:$(cat "$WORK/port" 2>/dev/null)" --channels 4 \
		--memory-file "$SHM-src" --image "$WORK/a.igvm" --timeout "$TIMEOUT" \
		--stats-json "$WORK/send.json" "${send_flags[@]}"
	send_pid=$last_pid
}

# expect_exit NAME PID CODE...
expect_exit() {
	local name=$1 pid=$2
	shift 2
	exited_with "$pid" "$@" ||
		fail "$name exited $exit_code, expected $* ($(tail -n 1 "$WORK/$name.log"))"
}

expect_in() {
	local name=$1 pattern=$2
	grep -q -- "$pattern" "$WORK/$name.log" || fail "$name.log lacks '$pattern'"
}

# The guest stayed on the source and nothing ran on the target.
expect_guest_kept() {
	expect_exit source "$source_pid" 0
	expect_exit target "$target_pid" 6
	grep -q '^\[result\]' "$WORK/target.log" && fail "the target ran guest code"
	grep -q '^\[result\]' "$WORK/source.log" || fail "the guest did not finish on the source"
}

# A fault on one PAGES record sent to the target: the target rejects the stream with ERROR.
# The source agent then sees its peer go (5) or the SVSM's own abort (6).
target_rejects() {
	local fault=$1 error=$2
	migrate --inject "$fault@PAGES:3"
	expect_exit send "$send_pid" 5 6
	expect_exit receive "$receive_pid" 6
	expect_in send "TEST-ONLY fault: ${fault%%=*}"
	expect_in receive "TARGET_FAILED, error $error"
	expect_guest_kept
}

drop() { target_rejects drop SEQUENCE; }
duplicate() { target_rejects duplicate SEQUENCE; }
reorder() { target_rejects reorder SEQUENCE; }
replay() { target_rejects replay SEQUENCE; }
truncate() { target_rejects truncate MALFORMED; }

flip_incoming_ack() {
	migrate --inject-incoming --inject flip@ACK
	expect_exit send "$send_pid" 6
	expect_exit receive "$receive_pid" 5 6
	expect_in send "SOURCE_ABORTED, error AUTH"
	expect_guest_kept
}

delay() {
	migrate --inject delay-ms=300@PAGES:3
	expect_exit send "$send_pid" 0
	expect_exit receive "$receive_pid" 0
	expect_exit source "$source_pid" 0
	expect_exit target "$target_pid" 0
	expect_in send "TEST-ONLY fault: delay-ms"
	grep -q '"faults_injected": 1' "$WORK/send.json" || fail "send.json: no fault counted"
	grep -q '^\[result\]' "$WORK/target.log" || fail "the guest did not finish on the target"
}

echo "[test] PLAN ${#SCENARIOS[@]}"
missing=""
for f in "$AGENT" "$VM" "$TOOLS/igvm" "$TOOLS/svsm-attest" "$BUILD/svsm.elf" \
	"$BUILD/guest/guest.elf" "$BUILD/igvm/reset_stub.bin"; do
	[ -e "$f" ] || missing="$missing $f"
done
if [ -z "$missing" ] && ! make_image "$WORK/a.igvm" >/dev/null; then
	missing=" (the test image could not be built)"
fi
passed=0
failed=0
for name in "${SCENARIOS[@]}"; do
	echo "[test] RUN agent_faults.$name"
	problem=""
	if [ -n "$missing" ]; then
		fail "missing:$missing"
	else
		"$name"
	fi
	if [ -z "$problem" ]; then
		echo "[test] PASS agent_faults.$name"
		passed=$((passed + 1))
	else
		echo "[test] FAIL agent_faults.$name"
		failed=$((failed + 1))
	fi
	rm -f "$SHM"-*
done
echo "[test] DONE $passed passed, $failed failed"
[ "$failed" -eq 0 ]
