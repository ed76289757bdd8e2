#!/usr/bin/env bash
# `make demo`: a migration between two QEMU guests, end to end, on this machine.
#   scripts/demo-migrate.sh IMAGE [--smp N] [--memory SIZE] [--channels N] [--after SECONDS]
#
# 1. The target VM's RAM file is prepared with MIG_CMD_RECEIVE (as a VMM would), and the target
#    boots the same image in receive mode: its SVSM waits for a stream; no guest code runs.
# 2. The source VM boots and runs the guest workload on every vCPU.
# 3. Two svsm-migrate agents (the untrusted VMM side) move opaque records between each VM's
#    MigrationPage rings and N TCP connections over loopback; the SVSMs attest each other
#    (emulated PSP here: it proves the code path, not security) before a page leaves.
# 4. The source sends GO and stops for good; the target resumes the guest, which finishes its
#    steps there. The host recomputes every vCPU's checksum from its seed and step count.
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../tests/e2e/lib.sh"
image=$1
shift
smp=4
memory=256M
channels=4
after=2
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--channels) channels=$2; shift 2 ;;
	--after) after=$2; shift 2 ;;
	*) echo "demo: unknown option $1" >&2; exit 2 ;;
	esac
done
tools=${TOOLS:-build/tools}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

qemu() { # name memfile log
	local name=$1 mem=$2 log=$3 args
	args=$("$tools/igvm" qemu-args "$image" --memory "$memory" --smp "$smp" --outdir "$work/$name") || return 1
	# shellcheck disable=SC2086 # one argument per word
	timeout --foreground 900 qemu-system-x86_64 -display none -no-reboot -monitor none \
		-accel tcg,thread=multi -cpu "${QEMU_CPU:-max}" -serial "file:$log" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 $args \
		-object "memory-backend-file,id=ram0,size=$memory,mem-path=$mem,share=on" \
		-machine memory-backend=ram0
}

wait_for() { # log pattern seconds
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -aq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

mkdir -p "$work/src" "$work/dst"
echo "demo: image $image (SEV-SNP launch digest $("$tools/igvm" measure "$image"))"
echo "demo: two QEMU (TCG) VMs, $smp CPUs each (CPU 0 is the SVSM's), $memory RAM, $channels channels"

"$tools/svsm-vmm-prep" --memory-file "$work/dst.mem" --size "$memory" --incoming || exit 1
"$tools/svsm-vmm-prep" --memory-file "$work/src.mem" --size "$memory" || exit 1
qemu dst "$work/dst.mem" "$work/dst.log" &
dst_qemu=$!
pids+=("$dst_qemu")
wait_for "$work/dst.log" "receive mode" 60 || { echo "demo: target did not boot" >&2; cat "$work/dst.log" >&2; exit 1; }
echo "demo: target booted in receive mode (no guest code runs there until GO)"

"$tools/svsm-migrate" receive --listen 127.0.0.1:0 --port-file "$work/port" \
	--memory-file "$work/dst.mem" --image "$image" --stats-json "$work/dst.json" 2>"$work/dst-agent.log" &
dst_agent=$!
pids+=("$dst_agent")
for ((i = 0; i < 100; i++)); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "demo: receiving agent did not start" >&2; cat "$work/dst-agent.log" >&2; exit 1; }

qemu src "$work/src.mem" "$work/src.log" &
src_qemu=$!
pids+=("$src_qemu")
wait_for "$work/src.log" "running" 60 || { echo "demo: source guest did not start" >&2; cat "$work/src.log" >&2; exit 1; }
echo "demo: source guest running; migrating in $after s"
sleep "$after"
grep -a '^\[workload\]' "$work/src.log" | tail -n $((smp - 1)) | sed 's/^/demo: source: /'

start=$(date +%s.%N)
"$tools/svsm-migrate" send --to "127.0.0.1:$(cat "$work/port")" --channels "$channels" \
	--memory-file "$work/src.mem" --image "$image" --stats-json "$work/src.json"
send_rc=$?
end=$(date +%s.%N)
wait "$dst_agent"
recv_rc=$?
wait "$src_qemu"
src_rc=$?
wait "$dst_qemu"
dst_rc=$?
pids=()

tr -d '\r' <"$work/src.log" | grep -a '^\[migrate\]' | sed 's/^/demo: source: /'
tr -d '\r' <"$work/dst.log" | grep -a '^\[migrate\]' | sed 's/^/demo: target: /'
echo "demo: agents: send exit $send_rc, receive exit $recv_rc; QEMU exit: source $src_rc, target $dst_rc (33 = clean)"
if [ -s "$work/src.json" ]; then
	echo "demo: source statistics (svsm-migrate --stats-json):"
	sed 's/^/  /' "$work/src.json"
fi
printf 'demo: migration took %.2f s wall clock\n' "$(echo "$end - $start" | bc -l 2>/dev/null || echo 0)"

ok=0
bad=0
while IFS= read -r line; do
	result_fields "$line"
	if replay_result "$tools/workload-verify" >/dev/null; then
		echo "demo: target vcpu $r_vcpu: finished $r_steps steps after migrating; checksum $r_sum matches the host's replay"
		ok=$((ok + 1))
	else
		echo "demo: target vcpu $r_vcpu: checksum $r_sum does NOT match the host's replay" >&2
		bad=$((bad + 1))
	fi
done < <(tr -d '\r' <"$work/dst.log" | grep -a '^\[result\] ')
if grep -aq '^\[result\] ' "$work/src.log"; then
	echo "demo: the SOURCE also finished the guest: two copies ran" >&2
	bad=$((bad + 1))
fi
echo "demo: summary: $ok vCPU(s) migrated and verified, $bad problem(s)"
[ "$send_rc" -eq 0 ] && [ "$recv_rc" -eq 0 ] && [ "$ok" -eq $((smp - 1)) ] && [ "$bad" -eq 0 ]
