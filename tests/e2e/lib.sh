# shellcheck shell=bash
# Helpers the end-to-end scripts share (tests/e2e, tests/agent, scripts): background processes
# with a bound and a log, waiting for a log line or a file, and the host's recomputation of the
# guest workload's checksums. Sourcing this file only defines functions.
#
# Variables the functions read (the sourcing script sets them):
#   WORK     a directory of the script's own (mktemp -d): logs go to $WORK/NAME.log
#   TIMEOUT  seconds each background process may run (start)
#   PIDS     an array: start adds each pid, stop_pids ends them
#   TOOLS, BUILD  build/tools and build (make_image)
# Variables the functions set: last_pid (start), exit_code (exited_with), r_vcpu, r_seed,
# r_steps, r_size and r_sum (result_fields).

# start NAME CMD...: CMD in the background bounded by TIMEOUT, output in $WORK/NAME.log; the pid
# (of timeout, which runs CMD) in last_pid and added to PIDS.
start() {
	local name=$1
	shift
	timeout "$TIMEOUT" "$@" >"$WORK/$name.log" 2>&1 &
	last_pid=$!
	PIDS+=("$last_pid")
}

# stop_pids: ends every process in PIDS and waits for them.
stop_pids() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
}

# cleanup_work SHM_PREFIX: stop_pids, then removes the memory files SHM_PREFIX-* and WORK (for an
# EXIT trap).
cleanup_work() {
	stop_pids
	rm -f "$1"-*
	rm -rf "$WORK"
}

# wait_for_line FILE PATTERN [TRIES]: true once a line of FILE matches PATTERN (grep), checked
# every 50 ms up to TRIES times (default 200: 10 s).
wait_for_line() {
	local file=$1 pattern=$2 tries=${3:-200}
	while [ "$tries" -gt 0 ]; do
		grep -q -- "$pattern" "$file" 2>/dev/null && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# wait_for_file FILE [TRIES]: true once FILE is not empty, waiting 50 ms at a time up to TRIES
# times (default 200: 10 s).
wait_for_file() {
	local file=$1 tries=${2:-200}
	while [ ! -s "$file" ] && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -s "$file" ]
}

# until_true TRIES CMD...: retries CMD every 50 ms; false if it failed TRIES times.
until_true() {
	local tries=$1
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -le 0 ] && return 1
		sleep 0.05
	done
}

# exited_with PID CODE...: waits for PID; exit_code gets its exit status. True if that is one of
# the CODEs.
exited_with() {
	local pid=$1 want
	shift
	wait "$pid"
	exit_code=$?
	for want in "$@"; do
		[ "$exit_code" -eq "$want" ] && return 0
	done
	return 1
}

# make_image OUT [POLICY_FLAGS...]: builds the IGVM image OUT from the built SVSM and guest, with
# a migration policy (OUT.policy) that lets two VMs of the same image (emulated PSP) migrate to
# each other, plus POLICY_FLAGS.
make_image() {
	local out=$1
	shift
	"$TOOLS/svsm-attest" policy build --same-measurement --allow-emulated "$@" \
		-o "$out.policy" >/dev/null &&
		"$TOOLS/igvm" build --svsm "$BUILD/svsm.elf" --guest "$BUILD/guest/guest.elf" \
			--reset-stub "$BUILD/igvm/reset_stub.bin" --policy "$out.policy" -o "$out"
}

# result_fields LINE: the fields of a workload result line, "[result] vcpu=V seed=S steps=N
# size=B checksum=C" (or the in-guest tests' "[verify] seed=S ..."), in r_vcpu, r_seed, r_steps,
# r_size and r_sum (empty where the line has none).
# shellcheck disable=SC2034 # the sourcing scripts read them
result_fields() {
	r_vcpu=$(sed -n 's/.* vcpu=\([^ ]*\).*/\1/p' <<<"$1")
	r_seed=$(sed -n 's/.* seed=\([^ ]*\).*/\1/p' <<<"$1")
	r_steps=$(sed -n 's/.* steps=\([^ ]*\).*/\1/p' <<<"$1")
	r_size=$(sed -n 's/.* size=\([^ ]*\).*/\1/p' <<<"$1")
	r_sum=$(sed -n 's/.* checksum=\([^ ]*\).*/\1/p' <<<"$1")
}

# replay_result VERIFY: VERIFY (build/tools/workload-verify) replays r_steps steps from r_seed
# over r_size bytes; true if that gives r_sum. Its output is the caller's to redirect.
replay_result() {
	"$1" --seed "$r_seed" --steps "$r_steps" --size "$r_size" --expect "$r_sum"
}
