#!/usr/bin/env bash
# The fault matrix of a live migration on the hosted platform (docs/faults.md): a source VM whose
# guest dirties memory (several pre-copy rounds), a target VM in receive mode and an agent beside
# each, over loopback. Each scenario kills or cuts one party, or tampers with one record, at one
# phase, then checks the outcome docs/design.md §3 and §8 promise:
#
#   source   the source aborted, the guest finished there and its checksums verify; the target
#            never ran guest code
#   target   the source handed over and never ran the guest again; the target ran it to the end
#            and its checksums verify
#   nowhere  the availability window (design §3): the source sent GO, the target never got it;
#            neither runs the guest
#   one      exactly one of the two ran it to the end (faults whose effect lands after the
#            target's ACK, where the design promises no fork but names no side)
#   killed   the target ran the guest (GO received) until the host killed it; the source never
#            resumed it
#
# Output is the test runner protocol (tests/framework/runner.c). FAULTS_SET picks the scenarios:
# `quick` (the default, what `make test` runs: one per fault kind and phase class, no scenario
# that waits for an SVSM timeout), `all` (`make e2e-faults`), or names separated by spaces.
#
# Environment: TOOLS (build/tools), BUILD (build), FAULTS_SET, FAULTS_TIMEOUT (seconds per
# process, default 200: above the SVSM's 60 s handshake and ACK timeouts plus the guest's run).
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

TOOLS=${TOOLS:-build/tools}
BUILD=${BUILD:-build}
VM=$TOOLS/svsm-hosted-vm
AGENT=$TOOLS/svsm-migrate
VERIFY=$TOOLS/workload-verify
TIMEOUT=${FAULTS_TIMEOUT:-200}
SET=${FAULTS_SET:-quick}
VCPUS=2
STEPS=2000000
RATE=400
REGION_BYTES=1048576
# Round 0 sends every validated page (the vCPUs' regions) 16 to a PAGES record.
R0=$((VCPUS * REGION_BYTES / 4096 / 16))
MAX_ROUNDS=4
# Auto-converge and a 1 ms downtime limit keep the handler in pre-copy for MAX_ROUNDS rounds
# (0..3) while the guest dirties its regions, then round 4 is the stop-and-copy round.
KNOBS=(--auto-converge --downtime-limit 1 --max-rounds "$MAX_ROUNDS")
# How long a breakpoint (a delay fault) holds a record while the test acts on a party.
HOLD_MS=3000

WORK=$(mktemp -d /tmp/svsm-faults-live.XXXXXX)
SHM=/dev/shm/svsm-faults-live-$$
PIDS=()
trap 'cleanup_work "$SHM"' EXIT

problem=""
fail() {
	[ -z "$problem" ] && problem=$1
	echo "faults-live: $1"
}
note() {
	echo "faults-live: $*"
}

# The program timeout runs: signals for a party go to it, not to timeout.
child_of() {
	pgrep -P "$1" | head -n 1
}

# kill9 PID: SIGKILL to the program under the timeout process PID (if it still runs).
kill9() {
	local c
	c=$(child_of "$1")
	[ -n "$c" ] && kill -KILL "$c" 2>/dev/null
}

in_log() {
	grep -q -- "$2" "$WORK/$1.log" 2>/dev/null
}

alive() {
	kill -0 "$1" 2>/dev/null
}

# wait_exit PID SECONDS: rc gets the exit code, or 255 if still running after SECONDS. (Not in
# a subshell: only this shell can wait for its children.)
wait_exit() {
	local pid=$1 tries=$(($2 * 20))
	while alive "$pid" && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	rc=255
	alive "$pid" && return
	# Quiet: bash would report each party the test killed on purpose.
	wait "$pid" 2>/dev/null
	rc=$?
}

# A TCP relay between the agents: killing it is a network cut both agents survive.
write_proxy() {
	cat >"$WORK/proxy.py" <<'EOF'
import os, socket, sys, threading

def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

port_file, target = sys.argv[1], int(sys.argv[2])
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % lst.getsockname()[1])
os.rename(port_file + ".tmp", port_file)
while True:
    a, _ = lst.accept()
    b = socket.create_connection(("127.0.0.1", target))
    for s, d in ((a, b), (b, a)):
        threading.Thread(target=pump, args=(s, d), daemon=True).start()
EOF
}

# Scenario parameters, reset before each scenario.
reset_params() {
	CH=2
	NET=0
	STEPS_HERE=$STEPS
	SRC_EXTRA=()
	SEND=()
	RECV=()
	# ACTION: LOG PATTERN VICTIM: once PATTERN shows in LOG, SIGKILL VICTIM (target-vm, send,
	# receive) or cut the network (net).
	ACTION=()
	# FAULT_AT: AGENT MIN_ROUND MAX_ROUND: the injected fault's record was in these rounds
	# ("-" for records without a round).
	FAULT_AT=()
}

launch() {
	local to
	rm -f "$WORK"/*.log "$WORK"/*.json "$WORK"/*.cap "$WORK"/port "$WORK"/proxy-port "$SHM"-*
	start target "$VM" --image "$WORK/a.igvm" --memory-file "$SHM-dst" --ram 128M --vcpus $VCPUS \
		--incoming --stats-json "$WORK/target.json" --timeout "$TIMEOUT"
	target_pid=$last_pid
	start source "$VM" --image "$WORK/a.igvm" --memory-file "$SHM-src" --ram 128M --vcpus $VCPUS \
		--steps "$STEPS_HERE" --writes-per-ms $RATE --region-size $REGION_BYTES \
		--stats-json "$WORK/source.json" --timeout "$TIMEOUT" "${SRC_EXTRA[@]}"
	source_pid=$last_pid
	until_true 400 in_log target '^\[hosted\] ready' || fail "the target VM did not boot"
	until_true 400 in_log source '^\[hosted\] ready' || fail "the source VM did not boot"
	start receive "$AGENT" receive --listen 127.0.0.1:0 --port-file "$WORK/port" \
		--memory-file "$SHM-dst" --image "$WORK/a.igvm" --timeout "$TIMEOUT" \
		--stats-json "$WORK/receive.json" --capture "$WORK/receive.cap" "${RECV[@]}"
	receive_pid=$last_pid
	until_true 200 test -s "$WORK/port" || fail "the receiving agent wrote no port"
	to=$(cat "$WORK/port" 2>/dev/null)
	proxy_pid=""
	if [ "$NET" = 1 ]; then
		start proxy python3 "$WORK/proxy.py" "$WORK/proxy-port" "$to"
		proxy_pid=$last_pid
		until_true 200 test -s "$WORK/proxy-port" || fail "the relay wrote no port"
		to=$(cat "$WORK/proxy-port" 2>/dev/null)
	fi
	start send "$AGENT" send --to "127.0.0.1:$to" --channels "$CH" --memory-file "$SHM-src" \
		--image "$WORK/a.igvm" --timeout "$TIMEOUT" --stats-json "$WORK/send.json" \
		--capture "$WORK/send.cap" "${KNOBS[@]}" "${SEND[@]}"
	send_pid=$last_pid
	launched=$(date +%s)
}

# Runs ACTION: waits (bounded) for its trigger, then strikes.
act() {
	local log=$1 pattern=$2 victim=$3
	if ! until_true 1800 in_log "$log" "$pattern"; then
		fail "the phase was never reached: no '$pattern' in $log.log"
		return
	fi
	case $victim in
	target-vm) kill9 "$target_pid" ;;
	send) kill9 "$send_pid" ;;
	receive) kill9 "$receive_pid" ;;
	net) kill9 "$proxy_pid" ;;
	esac
	note "$victim killed once $log.log showed '$pattern'"
}

# check_fault AGENT MIN MAX: the injected fault fired, on a record of rounds MIN..MAX ("-": a
# record without a round). The round comes from the agent's capture: the record itself, or
# the one before it on its channel when the fault removed it (drop, kill).
check_fault() {
	local agent=$1 min=$2 max=$3 line ch seq dir round
	line=$(grep -m 1 'TEST-ONLY fault:' "$WORK/$agent.log")
	if [ -z "$line" ]; then
		fail "the $agent agent never injected its fault"
		return
	fi
	note "$agent: ${line#*TEST-ONLY fault: }"
	ch=$(sed -n 's/.* on channel \([0-9]*\),.*/\1/p' <<<"$line")
	seq=$(sed -n 's/.* record seq \([0-9]*\),.*/\1/p' <<<"$line")
	dir=out
	case $line in *"to the SVSM"*) dir=in ;; esac
	round=$("$AGENT" inspect "$WORK/$agent.cap" 2>/dev/null | awk -v d="$dir" -v c="$ch" -v s="$seq" '
		$2 == d && $4 == c && ($7 == s || $7 == s - 1) { r[$7] = $9 }
		END { print ((s in r) ? r[s] : "?") " " (((s - 1) in r) ? r[s - 1] : "?") }')
	if [ "$min" = - ]; then
		# Only the record itself tells: a dropped one may follow a record of any round.
		[ "${round% *}" = - ] || [ "${round% *}" = "?" ] ||
			fail "the fault hit a record of round ${round% *}, expected one without"
		return
	fi
	# The record itself, or the one before it on its channel if the fault removed it.
	[ "${round% *}" = "?" ] && round=${round#* } || round=${round% *}
	if [ "$round" = - ] || [ "$round" = "?" ] || [ "$round" -lt "$min" ] ||
		[ "$round" -gt "$max" ]; then
		fail "the fault hit a record of round $round, expected round $min..$max"
	else
		note "the faulted record is in round $round"
	fi
}

# verify_results NAME: one [result] line per vCPU at the full step count, each recomputed by
# workload-verify from its seed.
verify_results() {
	local name=$1 count=0 line
	while read -r line; do
		result_fields "$line"
		count=$((count + 1))
		[ "$r_steps" = "$STEPS_HERE" ] || fail "$name: $line: expected steps=$STEPS_HERE"
		[ "$r_size" = "$REGION_BYTES" ] || fail "$name: $line: expected size=$REGION_BYTES"
		replay_result "$VERIFY" >/dev/null ||
			fail "$name: checksum $r_sum is not what $r_steps steps from seed $r_seed give"
	done < <(grep '^\[result\] vcpu=' "$WORK/$name.log")
	[ "$count" -eq "$VCPUS" ] || fail "$name: $count result lines, expected $VCPUS"
	[ "$count" -eq "$VCPUS" ] && note "$name: $count vCPU checksums verified by workload-verify"
}

# settle EXPECT: waits for the parties to end (or to be left waiting, where the design says
# they wait), then checks where the guest ran.
settle() {
	local expect=$1 src tgt snd rcv where src_s a
	wait_exit "$source_pid" "$TIMEOUT"
	src=$rc
	src_s=$(($(date +%s) - launched))
	[ "$src" = 0 ] || fail "the source VM exited $src, expected 0 (finished or handed over)"
	# A target that is not to run the guest may be left waiting (ACKED for GO, or for a stream
	# its dead agent will never bring): give it a moment to end on its own, then end it.
	if [ "$expect" = target ]; then
		wait_exit "$target_pid" 60
	else
		wait_exit "$target_pid" 3
	fi
	tgt=$rc
	if [ "$tgt" = 255 ]; then
		note "the target VM was still waiting ($(sed -n 's/.*\[\([a-z-]*\)\] round.*/\1/p' \
			"$WORK/receive.log" | tail -n 1)): ended by the test"
		kill "$target_pid" 2>/dev/null
		wait_exit "$target_pid" 5
		tgt=$rc
	fi
	# Agents bound to a dead VM would wait for their timeout: a few seconds, then end them.
	wait_exit "$send_pid" 5
	snd=$rc
	wait_exit "$receive_pid" 5
	rcv=$rc
	# Ended by SIGTERM (through timeout), an agent still writes its capture: wait for that.
	for p in "$send_pid" "$receive_pid" "${proxy_pid:-}"; do
		[ -n "$p" ] && alive "$p" && kill "$p" 2>/dev/null && wait_exit "$p" 5
	done
	note "exit codes: source VM $src, target VM $tgt, send $snd, receive $rcv (255: ended by the test)"
	note "source VM ended after $src_s s; $(grep -h -o 'migration was aborted (error [^)]*)' \
		"$WORK/source.log")$(grep -h -o 'migration committed (SOURCE_DONE)' "$WORK/source.log")"
	a=$(sed -n 's/.*largest heartbeat gap \(.*\)/\1/p' "$WORK/source.log" | sort -n | tail -n 1)
	[ -n "$a" ] && note "largest guest pause on the source: $a"
	for a in send receive; do
		note "$a agent: $(grep -v '^\[' "$WORK/$a.log" | tail -n 1)"
	done
	note "target VM: $(grep -h -E 'TARGET_FAILED|arrived by migration|GO received' \
		"$WORK/target.log" | tail -n 1)"

	local src_ran=0 src_done=0 tgt_go=0 tgt_ran=0
	grep -q '^\[result\]' "$WORK/source.log" && src_ran=1
	grep -q 'SOURCE_DONE' "$WORK/source.log" && src_done=1
	in_log target 'GO received' && tgt_go=1
	grep -q '^\[result\]' "$WORK/target.log" && tgt_ran=1
	if [ $src_ran = 1 ] && [ $tgt_go = 1 ]; then
		where=both
	elif [ $src_ran = 1 ]; then
		where=source
	elif [ $tgt_ran = 1 ]; then
		where=target
	elif [ $tgt_go = 1 ]; then
		where=killed
	else
		where=nowhere
	fi
	note "observed: guest ran on: $where (expected: $expect)"
	echo "$where" >"$WORK/observed"
	case $expect in
	one) [ "$where" = source ] || [ "$where" = target ] ||
		fail "expected the guest to run on exactly one side, it ran on: $where" ;;
	*) [ "$where" = "$expect" ] || fail "expected the guest on: $expect, it ran on: $where" ;;
	esac
	case $where in
	source)
		verify_results source
		in_log source 'migration was aborted' || fail "the source did not report the abort"
		;;
	target)
		verify_results target
		[ $src_done = 1 ] || fail "the target runs but the source never reported SOURCE_DONE"
		;;
	nowhere | killed)
		[ $src_done = 1 ] || fail "the source neither ran the guest nor handed it over"
		;;
	esac
}

# go EXPECT: one scenario with the parameters set by its function.
go() {
	launch
	[ ${#ACTION[@]} -eq 3 ] && act "${ACTION[@]}"
	settle "$1"
	[ ${#FAULT_AT[@]} -eq 3 ] && check_fault "${FAULT_AT[@]}"
}

# --- Scenarios ------------------------------------------------------------------------------
# Phases are reached as follows (docs/faults.md): the agents' fault injection counts records
# of one type, so `kill@ATTEST` is the handshake, `@PAGES:R0/2` round 0, `@PAGES:R0+8` round 1
# (a later pre-copy round), `@VCPU` the checkpoint; "after COMMIT" is the target's ACK held or
# lost, "after ACK" is GO held or lost, "after GO" is the target's "GO received" log line.
# A `delay-ms` fault is a breakpoint: while the agent holds the record the test kills a VM or
# cuts the relay.

HS=(ATTEST - -)
P0=("PAGES:$((R0 / 2))" 0 0)
PL=("PAGES:$((R0 + 8))" 1 $((MAX_ROUNDS - 1)))
# The final round: after all MAX_ROUNDS pre-copy rounds, or earlier when auto-converge slowed the
# guest enough for the rest to fit the downtime limit (timing decides which).
CP=(VCPU 1 "$MAX_ROUNDS")

# Dirty tracking: no host dirty log exists to lie about; the SVSM's own tracking must catch
# every write of a guest dirtying memory through all rounds.
dirty_tracking_own_log() {
	go target
	local later
	later=$("$AGENT" inspect "$WORK/send.cap" | awk '$5 == "PAGES" && $9 >= 1 { n += $11 }
		END { print n + 0 }')
	note "pages re-sent after round 0 because the guest wrote them: $later"
	[ "$later" -gt 0 ] || fail "no page was sent after round 0: the workload dirtied nothing?"
	# At least one pre-copy round after round 0; auto-converge may end pre-copy before the last
	# allowed round (timing decides), which changes nothing about what is checked here.
	local rounds
	rounds=$(grep -o '"rounds": [0-9]*' "$WORK/send.json" | head -n 1 | grep -o '[0-9]*$')
	[ "${rounds:-0}" -ge 2 ] && [ "${rounds:-0}" -le "$MAX_ROUNDS" ] ||
		fail "expected 2..$MAX_ROUNDS rounds before the final one, the agent reports ${rounds:-none}"
}

# A withheld vCPU during live pre-copy: the checkpoint times out and the guest resumes on the
# source; it is then whole again: a second migration (to a fresh target) succeeds.
withheld_vcpu_then_retry() {
	STEPS_HERE=4000000
	SRC_EXTRA=(--test-withhold-vcpu 1)
	launch
	wait_exit "$send_pid" 60
	in_log send 'VCPU_TIMEOUT' || fail "the first migration did not fail with VCPU_TIMEOUT"
	# The checkpoint normally comes after later pre-copy rounds. The agent samples the status for
	# its progress lines, so a short checkpoint phase may leave no line: a note, not a failure.
	in_log send '^\[checkpoint\] round [1-9]' ||
		note "no progress line showed the checkpoint after a later pre-copy round"
	in_log receive 'TARGET_FAILED' || fail "the first target did not fail"
	kill "$receive_pid" "$target_pid" 2>/dev/null
	grep -q '^\[result\]' "$WORK/target.log" && fail "the first target ran guest code"
	grep -q 'GO received' "$WORK/target.log" && fail "the first target got GO"
	mv "$WORK/target.log" "$WORK/target1.txt"
	until_true 100 in_log source 'vcpu 1 scheduled again' || fail "vCPU 1 was never released"
	# The retry: a new target VM and agents; send accepts a source whose last attempt aborted.
	rm -f "$WORK/port" "$SHM-dst"
	start target "$VM" --image "$WORK/a.igvm" --memory-file "$SHM-dst" --ram 128M --vcpus $VCPUS \
		--incoming --stats-json "$WORK/target.json" --timeout "$TIMEOUT"
	target_pid=$last_pid
	until_true 400 in_log target '^\[hosted\] ready' || fail "the second target did not boot"
	start receive "$AGENT" receive --listen 127.0.0.1:0 --port-file "$WORK/port" \
		--memory-file "$SHM-dst" --image "$WORK/a.igvm" --timeout "$TIMEOUT"
	receive_pid=$last_pid
	until_true 200 test -s "$WORK/port" || fail "the receiving agent wrote no port"
	start send "$AGENT" send --to "127.0.0.1:$(cat "$WORK/port" 2>/dev/null)" --channels "$CH" \
		--memory-file "$SHM-src" --image "$WORK/a.igvm" --timeout "$TIMEOUT" "${KNOBS[@]}"
	send_pid=$last_pid
	launched=$(date +%s)
	settle target
}

# kill_agent AGENT [incoming] SPEC...: the agent kills itself at the record SPEC names.
src_agent_handshake() { SEND=(--inject "kill@${HS[0]}"); FAULT_AT=(send "${HS[@]:1}"); go source; }
src_agent_round0() { SEND=(--inject "kill@${P0[0]}"); FAULT_AT=(send "${P0[@]:1}"); go source; }
src_agent_later_round() { SEND=(--inject "kill@${PL[0]}"); FAULT_AT=(send "${PL[@]:1}"); go source; }
src_agent_checkpoint() { SEND=(--inject "kill@${CP[0]}"); FAULT_AT=(send "${CP[@]:1}"); go source; }
# COMMIT reached the target, which ACKed; the source's agent dies as the ACK arrives.
src_agent_after_commit() {
	SEND=(--inject-incoming --inject kill@ACK)
	FAULT_AT=(send - -)
	go source
}
# The source had the ACK and put GO in its ring; its agent dies instead of sending it.
src_agent_after_ack() { SEND=(--inject kill@GO); FAULT_AT=(send - -); go nowhere; }
src_agent_after_go() { ACTION=(target 'GO received' send); go target; }

# The target's agent dies instead of delivering the phase's record to its SVSM.
tgt_agent_at() {
	RECV=(--inject-incoming --inject "kill@$1")
	FAULT_AT=(receive "$2" "$3")
}
tgt_agent_handshake() { tgt_agent_at "${HS[@]}"; go source; }
tgt_agent_round0() { tgt_agent_at "${P0[@]}"; go source; }
tgt_agent_later_round() { tgt_agent_at "${PL[@]}"; go source; }
tgt_agent_checkpoint() { tgt_agent_at "${CP[@]}"; go source; }
# The target verified COMMIT and ACKed; its agent dies instead of sending the ACK.
tgt_agent_after_commit() { RECV=(--inject kill@ACK); FAULT_AT=(receive - -); go source; }
tgt_agent_after_ack() { RECV=(--inject-incoming --inject kill@GO); FAULT_AT=(receive - -); go nowhere; }
tgt_agent_after_go() { ACTION=(target 'GO received' receive); go target; }

# The target VM is killed while its agent holds the phase's record from the source.
tgt_vm_at() {
	local spec=$1
	RECV=(--inject-incoming --inject "delay-ms=$HOLD_MS@$spec")
	ACTION=(receive 'TEST-ONLY fault' target-vm)
	FAULT_AT=(receive "$2" "$3")
}
tgt_vm_handshake() { tgt_vm_at "${HS[@]}"; go source; }
tgt_vm_round0() { tgt_vm_at "${P0[@]}"; go source; }
tgt_vm_later_round() { tgt_vm_at "${PL[@]}"; go source; }
tgt_vm_checkpoint() { tgt_vm_at "${CP[@]}"; go source; }
tgt_vm_after_commit() { tgt_vm_at COMMIT - -; go source; }
# GO left the source (it handed over); the target dies before it arrives: the window.
tgt_vm_after_ack() { tgt_vm_at GO - -; go nowhere; }
tgt_vm_after_go() { ACTION=(target 'GO received' target-vm); go killed; }

# The relay between the agents is killed while the source's agent holds the phase's record:
# both agents live and see their peer go.
net_at() {
	NET=1
	SEND=(--inject "delay-ms=$HOLD_MS@$1")
	ACTION=(send 'TEST-ONLY fault' net)
	FAULT_AT=(send "$2" "$3")
}
net_handshake() { net_at "${HS[@]}"; go source; }
net_round0() { net_at "${P0[@]}"; go source; }
net_later_round() { net_at "${PL[@]}"; go source; }
net_checkpoint() { net_at "${CP[@]}"; go source; }
# The target ACKed; the cut comes while its agent holds the ACK.
net_after_commit() {
	NET=1
	RECV=(--inject "delay-ms=$HOLD_MS@ACK")
	ACTION=(receive 'TEST-ONLY fault' net)
	FAULT_AT=(receive - -)
	go source
}
net_after_ack() { net_at GO - -; go nowhere; }
net_after_go() { NET=1; ACTION=(target 'GO received' net); go target; }

# Record faults, one channel so that "the Nth record of a type" is one exact stream position.
# rec KIND TYPE EXPECT [incoming]
rec() {
	local kind=$1 spec=$2 expect=$3 min=- max=-
	CH=1
	case $spec in
	"PAGES:$R0") min=0 max=0 ;;
	"${PL[0]}") min=${PL[1]} max=${PL[2]} ;;
	# The final round: after all MAX_ROUNDS pre-copy rounds, or earlier when auto-converge slowed
	# the guest enough for the rest to fit the downtime limit (timing decides which).
	VCPU) min=1 max=$MAX_ROUNDS ;;
	"ROUND_END:$((MAX_ROUNDS + 1))") min=$MAX_ROUNDS max=$MAX_ROUNDS ;;
	# Round 0's, unless the target's ring was full until round 1 had ended too. Dropped, it
	# can only be placed by the record before it on its channel: KEYCONFIRM, which has no round.
	ROUND_ACK:1) [ "$kind" = drop ] || { min=0 max=1; } ;;
	esac
	if [ "${4:-}" = incoming ]; then
		SEND=(--inject-incoming --inject "$kind@$spec")
	else
		SEND=(--inject "$kind@$spec")
	fi
	FAULT_AT=(send "$min" "$max")
	go "$expect"
}

# Record types by phase; the last PAGES of round 0 (other tests fault earlier ones), one of
# round 1, the final ROUND_END (round MAX_ROUNDS, right before COMMIT), the target's first
# ROUND_ACK (round 0 applied; it travels to the source, like ACK).
REC_TYPES=(HELLO ATTEST KEYCONFIRM "PAGES:$R0" "${PL[0]}" "ROUND_ACK:1" VCPU
	"ROUND_END:$((MAX_ROUNDS + 1))" COMMIT ACK GO)

# Expected outcome of KIND on TYPE (design §3, §6, §8, and where a copy lands: a duplicate or
# replay that arrives after the receiver stopped reading is never looked at).
rec_expect() {
	local kind=$1 type=$2
	case $type in
	GO)
		case $kind in
		duplicate | replay) echo target ;; # GO arrives; a repeated GO is a no-op
		*) echo nowhere ;;                 # GO never arrives intact: the window
		esac
		;;
	ACK)
		case $kind in
		duplicate | replay) echo target ;; # the source reads one ACK, sends GO
		*) echo source ;;
		esac
		;;
	COMMIT)
		case $kind in
		duplicate) echo target ;; # the copy reaches the target after its ACK: dropped
		replay) echo target ;; # the copy comes after GO
		*) echo source ;;
		esac
		;;
	ROUND_ACK:*) echo source ;; # the source checks everything from the target before ACK
	ROUND_END:*)
		case $kind in
		replay) echo target ;; # the copy follows COMMIT, after the ACK: dropped
		*) echo source ;;
		esac
		;;
	*) echo source ;;
	esac
}

# The scenarios other tests already run with the same workload are not repeated here:
# drop@GO (tests/e2e/hosted.sh lost_go_runs_nowhere) and flip of the incoming ACK
# (tests/agent/faults-hosted.sh flip_incoming_ack).
REC_SCENARIOS=()
for kind in flip drop duplicate reorder replay; do
	for type in "${REC_TYPES[@]}"; do
		[ "$kind@$type" = drop@GO ] && continue
		[ "$kind@$type" = flip@ACK ] && continue
		name="rec_${kind}_$(tr ':A-Z' '_a-z' <<<"$type")"
		dir=""
		case $type in ACK | ROUND_ACK:*) dir=incoming ;; esac
		eval "$name() { rec $kind $type $(rec_expect "$kind" "$type") $dir; }"
		REC_SCENARIOS+=("$name")
	done
done

KILL_SCENARIOS=()
for party in src_agent tgt_agent tgt_vm net; do
	for phase in handshake round0 later_round checkpoint after_commit after_ack after_go; do
		KILL_SCENARIOS+=("${party}_$phase")
	done
done

ALL=(dirty_tracking_own_log withheld_vcpu_then_retry "${KILL_SCENARIOS[@]}" "${REC_SCENARIOS[@]}")
# One per fault kind and phase class, none waiting for an SVSM timeout (those are 30-60 s each).
QUICK=(dirty_tracking_own_log withheld_vcpu_then_retry net_handshake net_later_round
	tgt_agent_checkpoint net_after_commit src_agent_after_ack tgt_vm_after_ack tgt_vm_after_go
	src_agent_after_go net_round0 tgt_agent_after_ack rec_flip_keyconfirm rec_drop_pages_$((R0 + 8)) rec_reorder_vcpu
	rec_duplicate_commit rec_flip_go rec_drop_round_ack_1
	rec_replay_commit rec_duplicate_go)

case $SET in
quick) read -r -a RUN <<<"${QUICK[*]}" ;;
all) read -r -a RUN <<<"${ALL[*]}" ;;
*) read -r -a RUN <<<"$SET" ;;
esac

echo "[test] PLAN ${#RUN[@]}"
missing=""
for f in "$AGENT" "$VM" "$VERIFY" "$TOOLS/igvm" "$TOOLS/svsm-attest" "$BUILD/svsm.elf" \
	"$BUILD/guest/guest.elf" "$BUILD/igvm/reset_stub.bin"; do
	[ -e "$f" ] || missing="$missing $f"
done
command -v python3 >/dev/null || missing="$missing python3"
if [ -z "$missing" ] && ! make_image "$WORK/a.igvm" >/dev/null; then
	missing=" (the test image could not be built)"
fi
write_proxy
passed=0
failed=0
for name in "${RUN[@]}"; do
	echo "[test] RUN faults_live.$name"
	problem=""
	began=$(date +%s)
	if [ -n "$missing" ]; then
		fail "missing:$missing"
	elif ! declare -F "$name" >/dev/null; then
		fail "no such scenario"
	else
		reset_params
		"$name"
	fi
	note "$name took $(($(date +%s) - began)) s"
	if [ -n "$problem" ]; then
		for log in "$WORK"/*.log; do
			[ -e "$log" ] || continue
			echo "--- $(basename "$log") (last lines)"
			tail -n 8 "$log"
		done
		echo "[test] FAIL faults_live.$name"
		failed=$((failed + 1))
	else
		echo "[test] PASS faults_live.$name"
		passed=$((passed + 1))
	fi
	stop_pids
	PIDS=()
	rm -f "$SHM"-*
done
echo "[test] DONE $passed passed, $failed failed"
[ "$failed" -eq 0 ]
