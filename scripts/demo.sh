#!/usr/bin/env bash
# `make demo`: boot the SVSM image in QEMU (TCG) the way a VMM would load it, show the guest
# workload running on every vCPU, then recompute every vCPU's checksum on the host.
#   scripts/demo.sh IMAGE [--smp N] [--memory SIZE] [--timeout SECONDS]
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../tests/e2e/lib.sh"
image=$1
shift
smp=4
memory=512M
timeout_s=600
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	*) echo "demo: unknown option $1" >&2; exit 2 ;;
	esac
done
tools=${TOOLS:-build/tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/serial.log

echo "demo: image $image, QEMU TCG, $smp CPUs (CPU 0 is the SVSM's, $((smp - 1)) guest vCPUs), $memory RAM"
echo "demo: launch digest (SEV-SNP) $("$tools/igvm" measure "$image")"
args=$("$tools/igvm" qemu-args "$image" --memory "$memory" --smp "$smp" --outdir "$work") || exit 1
echo "demo: qemu-system-x86_64 $args"
# shellcheck disable=SC2086 # one argument per word
timeout --foreground "$timeout_s" qemu-system-x86_64 -display none -no-reboot -monitor none \
	-accel tcg,thread=multi -cpu max -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 $args | tr -d '\r' | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 33 ]; then
	echo "demo: QEMU exited with status $rc (33 means the SVSM finished cleanly)" >&2
	exit 1
fi
ok=0
bad=0
while IFS= read -r line; do
	result_fields "$line"
	if replay_result "$tools/workload-verify" >/dev/null; then
		echo "demo: vcpu $r_vcpu: $r_steps steps over $((r_size >> 20)) MiB, checksum $r_sum matches the host's replay"
		ok=$((ok + 1))
	else
		echo "demo: vcpu $r_vcpu: checksum $r_sum does NOT match the host's replay" >&2
		bad=$((bad + 1))
	fi
done < <(grep -a '^\[result\] ' "$log")
echo "demo: summary: $ok vCPU(s) verified, $bad mismatched"
[ "$ok" -eq $((smp - 1)) ] && [ "$bad" -eq 0 ]
