#!/usr/bin/env bash
# Runs an SVSM test image under QEMU (TCG) and checks what only the host can check.
#   tests/run-guest.sh IMAGE LOGDIR [--smp N] [--memory SIZE] [--timeout SECONDS]
# Writes LOGDIR/guest.log (the serial console: the in-guest runner protocol) and
# LOGDIR/guest-host-checks.log (host-side tests in the same protocol): the QEMU exit status, and
# every workload checksum the guest printed recomputed by build/tools/workload-verify.
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/e2e/lib.sh"
image=$1
logdir=$2
shift 2
smp=4
memory=256M
timeout_s=300
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	*) echo "run-guest.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
tools=${TOOLS:-build/tools}
mkdir -p "$logdir"
log=$logdir/guest.log
checks=$logdir/guest-host-checks.log
blobs=$(mktemp -d)
trap 'rm -rf "$blobs"' EXIT

if ! args=$("$tools/igvm" qemu-args "$image" --memory "$memory" --smp "$smp" --outdir "$blobs"); then
	echo "run-guest.sh: igvm qemu-args failed for $image" >&2
	: >"$log"
	exit 1
fi
# shellcheck disable=SC2086 # the loader prints one argument per word
timeout --foreground "$timeout_s" qemu-system-x86_64 -display none -no-reboot -monitor none \
	-accel tcg,thread=multi -cpu max -serial "file:$log" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 $args
rc=$?

verify_lines=$(grep -a '^\[verify\] ' "$log" | tr -d '\r' || true)
count=$(printf '%s' "$verify_lines" | grep -c . || true)
{
	echo "[test] PLAN $((count + 1))"
	echo "[test] RUN host.qemu_exit_status"
	case $rc in
	33) echo "[test] PASS host.qemu_exit_status" ;;
	124) echo "[test] Failure: QEMU timed out after ${timeout_s}s"; echo "[test] FAIL host.qemu_exit_status" ;;
	*) echo "[test] Failure: QEMU exit status $rc (33 = all passed)"; echo "[test] FAIL host.qemu_exit_status" ;;
	esac
	i=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		result_fields "$line"
		name="host.workload_verify_$i"
		echo "[test] RUN $name"
		if out=$(replay_result "$tools/workload-verify" 2>&1); then
			echo "[test] PASS $name"
		else
			echo "[test] Failure: $out"
			echo "[test] FAIL $name"
		fi
		i=$((i + 1))
	done <<<"$verify_lines"
} >"$checks"
exit 0
