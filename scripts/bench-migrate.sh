#!/usr/bin/env bash
# Migration benchmarks on the hosted platform, over loopback (docs/benchmarks.md). Two tables:
#
#   1. Throughput: a 1 GiB guest (4 vCPUs x 256 MiB regions, every page validated) migrated over
#      1, 2 and 4 channels, each beside bench-tcp-copy copying the same 1 GiB over as many TCP
#      connections in the same run: the ratio migration/ceiling, and whether 4 channels reach
#      the team goal of 0.8.
#   2. Live migration: the same guest over 4 channels while it dirties memory at three rates
#      (0, ~50 and ~200 MB/s): total time, the downtime the guest saw (its largest heartbeat
#      gap), rounds, bytes on the wire and bytes per byte of guest RAM, against the goals of
#      docs/benchmarks.md.
#
# The 0 MB/s guest (Table 1 and Table 2's first row) first fills its memory at full speed, then
# idles (svsm-hosted-vm --idle-ms): it keeps running and beating its heartbeat, writing nothing,
# and the migration starts once the VM reports it idle.
#
# Every migration is checked before its numbers are shown: both agents and both VMs exit 0 and
# every vCPU's checksum on the target is recomputed by workload-verify. A broken migration fails
# the script instead of printing numbers. It reports ratios and goals, it never fails on speed.
#
# Environment: TOOLS (build/tools), BUILD (build), BENCH_TIMEOUT (seconds per process, 180).
set -uo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../tests/e2e/lib.sh"

usage() {
	cat <<'EOF'
usage: scripts/bench-migrate.sh [--tables 1|2|12] [--keep-logs DIR]
  --tables T      which tables to run: 1, 2 or 12 (default 12)
  --keep-logs DIR copy every VM and agent log and stats file to DIR at the end
Environment: TOOLS (default build/tools), BUILD (default build),
             BENCH_TIMEOUT (seconds per process, default 180).
EOF
}

TOOLS=${TOOLS:-build/tools}
BUILD=${BUILD:-build}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-180}
TABLES=12
KEEP_LOGS=""

while [ $# -gt 0 ]; do
	case $1 in
	--tables)
		[ $# -ge 2 ] || { echo "bench-migrate: --tables needs a value" >&2; exit 2; }
		TABLES=$2
		shift 2
		;;
	--keep-logs)
		[ $# -ge 2 ] || { echo "bench-migrate: --keep-logs needs a value" >&2; exit 2; }
		KEEP_LOGS=$2
		shift 2
		;;
	--help | -h)
		usage
		exit 0
		;;
	*)
		echo "bench-migrate: unknown argument: $1" >&2
		usage >&2
		exit 2
		;;
	esac
done
case $TABLES in
1 | 2 | 12) ;;
*)
	echo "bench-migrate: --tables must be 1, 2 or 12, not '$TABLES'" >&2
	exit 2
	;;
esac
case $BENCH_TIMEOUT in
'' | *[!0-9]*)
	echo "bench-migrate: BENCH_TIMEOUT must be a number of seconds, not '$BENCH_TIMEOUT'" >&2
	exit 2
	;;
esac
# The bound of lib.sh's start.
TIMEOUT=$BENCH_TIMEOUT

VM=$TOOLS/svsm-hosted-vm
AGENT=$TOOLS/svsm-migrate
VERIFY=$TOOLS/workload-verify
COPY=$TOOLS/bench-tcp-copy
SCAN=$TOOLS/bench-mem-scan
IMAGE=$BUILD/svsm.igvm

# The guest: 4 vCPUs, each with a 256 MiB region above the 65 MiB the hosted VM reserves below
# the regions, so 1 GiB of guest memory is validated and in use.
VCPUS=4
REGION=256M
REGION_BYTES=$((256 << 20))
REGIONS_BASE=65M
GUEST_BYTES=$((VCPUS * REGION_BYTES))
RAM=1090M
PAGE=4096

# Dirty rates: each workload step writes one 8-byte word at a random place of its vCPU's region.
# With 65536 pages per region nearly every write of a round dirties a distinct page, so
# pages/s ~ writes/s = VCPUS x 1000 x writes-per-ms, and MB/s = pages/s x 4096 / 1e6. The rate
# is whole writes per ms per vCPU (0 means unthrottled).
RATE_50=3    # 12000 pages/s  ~49 MB/s  (50 MiB/s would be 12800)
RATE_200=13  # 52000 pages/s  ~213 MB/s (200 MiB/s would be 51200)
# The 0 MB/s guest: FILL_STEPS unthrottled steps per vCPU (1 - e^(-130000/65536) = 86% of its
# pages written, in a few seconds), then IDLE_S seconds of idle running time. Its migration
# starts once the VM says the guest idles and must end within IDLE_S to be wholly in the idle
# phase (Table 1's single channel took about 27 s on a loaded machine); the target VM ends when
# the idle time is used up, so each such row takes about IDLE_S.
FILL_STEPS=130000
IDLE_S=60
# Table 2, writing rows: the migration starts WARM_S seconds after the guest started writing;
# each guest runs long enough (steps = rate x lifetime) to still be writing when the checkpoint
# stops it.
WARM_S=5
LIFETIME_50_S=25
LIFETIME_200_S=55
# Table 2 asks the SVSM for the goal's downtime (its default limit is 300 ms) and bounds the
# rounds so that a guest dirtying about as fast as the link carries ends in bounded time.
DOWNTIME_LIMIT_MS=50
MAX_ROUNDS=10

for f in "$VM" "$AGENT" "$VERIFY" "$COPY" "$SCAN" "$IMAGE"; do
	if [ ! -e "$f" ]; then
		echo "bench-migrate: missing $f (run make first)" >&2
		exit 1
	fi
done
if [ ! -d /dev/shm ]; then
	echo "bench-migrate: /dev/shm is missing: the hosted VM needs tmpfs for guest memory" >&2
	exit 1
fi

WORK=$(mktemp -d /tmp/svsm-bench-migrate.XXXXXX) || exit 1
SHM_PREFIX=/dev/shm/svsm-bench-migrate-$$
PIDS=()

cleanup() {
	stop_pids
	if [ -n "$KEEP_LOGS" ]; then
		mkdir -p "$KEEP_LOGS" && cp -r "$WORK"/. "$KEEP_LOGS"/
	fi
	rm -f "$SHM_PREFIX"-*
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench-migrate: $*" >&2
	exit 1
}

now_s() {
	date +%s.%N
}

# expect_exit WHAT PID: the process ended with 0, or the benchmark stops with its log.
expect_exit() {
	local what=$1 pid=$2
	if ! exited_with "$pid" 0; then
		echo "bench-migrate: $what exited $exit_code; last lines of its log:" >&2
		tail -n 8 "$WORK/$what.log" >&2
		exit 1
	fi
}

# json_num FILE KEY: the first number after "KEY": in FILE.
json_num() {
	sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1" | head -n 1
}

nonzero_pages() {
	"$SCAN" "$1" "$REGIONS_BASE" "$GUEST_BYTES" | cut -d' ' -f1
}

# verify_target LOG STEPS: one [result] line per vCPU at STEPS steps, each checksum matching
# workload-verify's replay of the same seed.
verify_target() {
	local log=$1 want_steps=$2 count=0 line
	while read -r line; do
		result_fields "$line"
		count=$((count + 1))
		[ "$r_steps" = "$want_steps" ] || die "$line: expected steps=$want_steps"
		[ "$r_size" = "$REGION_BYTES" ] || die "$line: expected size=$REGION_BYTES"
		replay_result "$VERIFY" >/dev/null ||
			die "$line: the checksum is not what $r_steps steps from seed $r_seed give: broken migration"
	done < <(grep '^\[result\] vcpu=' "$log")
	[ "$count" -eq "$VCPUS" ] || die "$log: $count result lines, expected $VCPUS"
}

# migrate NAME RATE CHANNELS STEPS IDLE_S WARM_S [SEND_FLAGS...]: boots a target and a source VM,
# waits until the source's guest has been writing for WARM_S seconds (or, if IDLE_S is not 0,
# until it has done its steps and idles), migrates it, waits for it to finish on the target and
# verifies it. Sets m_* for the tables.
migrate() {
	local name=$1 rate=$2 channels=$3 steps=$4 idle=$5 warm=$6
	shift 6
	local src=$SHM_PREFIX-$name-src dst=$SHM_PREFIX-$name-dst
	local nz tries
	local source_pid target_pid receive_pid send_pid

	if [ "$idle" -ne 0 ]; then
		echo "  [$name] guest: $VCPUS vCPUs x $REGION, $steps unthrottled steps/vCPU then" \
			"${idle}s idle, $channels channel(s)" >&2
	else
		echo "  [$name] guest: $VCPUS vCPUs x $REGION, $rate writes/ms/vCPU, $channels channel(s)" >&2
	fi
	rm -f "$WORK/$name.port"
	start "$name-target" "$VM" --image "$IMAGE" --memory-file "$dst" --ram "$RAM" \
		--vcpus "$VCPUS" --incoming --stats-json "$WORK/$name-target.json" \
		--timeout "$BENCH_TIMEOUT"
	target_pid=$last_pid
	start "$name-source" "$VM" --image "$IMAGE" --memory-file "$src" --ram "$RAM" \
		--vcpus "$VCPUS" --region-size "$REGION" --writes-per-ms "$rate" --steps "$steps" \
		--idle-ms $((idle * 1000)) --stats-json "$WORK/$name-source.json" --timeout "$BENCH_TIMEOUT"
	source_pid=$last_pid
	wait_for_line "$WORK/$name-target.log" '^\[hosted\] ready' $((BENCH_TIMEOUT * 20)) ||
		die "$name: target VM did not boot"
	wait_for_line "$WORK/$name-source.log" '^\[hosted\] ready' $((BENCH_TIMEOUT * 20)) ||
		die "$name: source VM did not boot"
	start "$name-receive" "$AGENT" receive --listen 127.0.0.1:0 --port-file "$WORK/$name.port" \
		--memory-file "$dst" --image "$IMAGE" --stats-json "$WORK/$name-receive.json" \
		--timeout "$BENCH_TIMEOUT"
	receive_pid=$last_pid

	if [ "$idle" -ne 0 ]; then
		# The VM says so once every vCPU has done its steps: from then on nothing is written.
		tries=$((BENCH_TIMEOUT * 20))
		while ! grep -q '^\[hosted\] guest idle' "$WORK/$name-source.log" && [ $tries -gt 0 ]; do
			kill -0 "$source_pid" 2>/dev/null || die "$name: the source VM ended before idling"
			sleep 0.05
			tries=$((tries - 1))
		done
		[ $tries -gt 0 ] || die "$name: the source's guest never became idle"
	else
		# The guest validates its region first, writing nothing: the warm-up starts at its
		# first write (seen up to 0.7 s late: poll period and scan), so it lasts at least WARM_S.
		tries=$((BENCH_TIMEOUT * 4))
		while nz=$(nonzero_pages "$src") && [ "$nz" -eq 0 ] && [ $tries -gt 0 ]; do
			kill -0 "$source_pid" 2>/dev/null || die "$name: the source VM ended before writing"
			sleep 0.25
			tries=$((tries - 1))
		done
		[ "${nz:-0}" -gt 0 ] || die "$name: the source's guest wrote nothing"
		sleep "$warm"
	fi
	kill -0 "$source_pid" 2>/dev/null || die "$name: the source VM ended before its migration"
	m_nonzero=$(nonzero_pages "$src") || die "$name: cannot scan the source's memory"

	wait_for_file "$WORK/$name.port" $((BENCH_TIMEOUT * 20)) ||
		die "$name: the receiving agent wrote no port"
	start "$name-send" "$AGENT" send --to "127.0.0.1:$(cat "$WORK/$name.port")" \
		--channels "$channels" --memory-file "$src" --image "$IMAGE" \
		--stats-json "$WORK/$name-send.json" --timeout "$BENCH_TIMEOUT" "$@"
	send_pid=$last_pid

	expect_exit "$name-send" "$send_pid"
	expect_exit "$name-receive" "$receive_pid"
	expect_exit "$name-source" "$source_pid"
	expect_exit "$name-target" "$target_pid"
	grep -q 'arrived by migration' "$WORK/$name-target.log" ||
		die "$name: the target did not run the migrated guest"
	verify_target "$WORK/$name-target.log" "$steps"
	rm -f "$src" "$dst"

	local send=$WORK/$name-send.json
	m_time_ms=$(json_num "$send" total_time_ms)
	m_svsm_downtime_ms=$(json_num "$send" downtime_ms)
	m_wire=$(sed -n 's/.*"channel": [0-9]*, .*"bytes_out": \([0-9]*\).*/\1/p' "$send" |
		awk '{ s += $1 } END { print s + 0 }')
	m_rounds=$(grep -c '{"round": ' "$send")
	# The vCPU state carries the largest gap so far, so the target's covers both sides.
	m_gap_ms=$(cat "$WORK/$name-target.json" "$WORK/$name-source.json" |
		sed -n 's/.*"max_heartbeat_gap_ns": \([0-9]*\).*/\1/p' |
		awk 'BEGIN { m = 0 } { if ($1 > m) m = $1 } END { printf "%.1f", m / 1e6 }')
	echo "  [$name] verified: $VCPUS checksums match workload-verify" >&2
}

# ceiling CHANNELS: bench-tcp-copy of the guest's size over as many connections, the best of
# CEILING_RUNS (a ceiling: a run slowed by other load on the machine is not the transport's
# limit); sets c_seconds and c_gbps.
CEILING_RUNS=3
ceiling() {
	local out s g i
	c_seconds=""
	c_gbps=""
	for i in $(seq "$CEILING_RUNS"); do
		out=$(timeout "$BENCH_TIMEOUT" "$COPY" --bytes "$GUEST_BYTES" --connections "$1" \
			--json --timeout "$BENCH_TIMEOUT") || die "bench-tcp-copy over $1 connection(s) failed (run $i)"
		s=$(sed -n 's/.*"seconds": \([0-9.]*\).*/\1/p' <<<"$out")
		g=$(sed -n 's/.*"gb_per_s": \([0-9.]*\).*/\1/p' <<<"$out")
		if [ -z "$c_gbps" ] || awk -v a="$g" -v b="$c_gbps" 'BEGIN { exit !(a > b) }'; then
			c_seconds=$s
			c_gbps=$g
		fi
	done
}

pct() {
	awk -v n="$1" -v d="$2" 'BEGIN { printf "%.0f%%", 100 * n / d }'
}

met() {
	if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi
}

echo "bench-migrate: hosted platform, loopback, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-migrate: guest $VCPUS vCPUs x $REGION = $((GUEST_BYTES >> 20)) MiB validated and in use;" \
	"MB/s = pages/s x 4096 / 1e6, GB/s = 1e9 bytes/s, MiB = 2^20 bytes"

link_gbps=""
if [[ $TABLES == *1* ]]; then
	echo
	echo "Table 1: migration vs plain TCP copy (best of $CEILING_RUNS) of $((GUEST_BYTES >> 20)) MiB;" \
		"the guest wrote $FILL_STEPS steps/vCPU, then idled (0 MB/s) from before the migration"
	notes1=()
	printf '%-8s %8s %8s %9s %9s %7s %8s %10s %7s\n' channels nonzero time_s wire_MiB \
		mig_GB/s rounds copy_s copy_GB/s ratio
	for ch in 1 2 4; do
		migrate "t1-ch$ch" 0 "$ch" "$FILL_STEPS" "$IDLE_S" 0
		# Still idle at the checkpoint, it beat across it: a smaller gap means it had finished.
		if awk -v g="$m_gap_ms" -v d="$m_svsm_downtime_ms" 'BEGIN { exit !(g < d) }'; then
			notes1+=("note: with $ch channel(s) the guest finished its ${IDLE_S}s idle phase" \
				"before the checkpoint: the migration outlasted it")
		fi
		ceiling "$ch"
		gbps=$(awk -v b="$m_wire" -v ms="$m_time_ms" 'BEGIN { printf "%.3f", b / 1e6 / ms }')
		ratio=$(awk -v a="$gbps" -v b="$c_gbps" 'BEGIN { printf "%.3f", a / b }')
		printf '%-8s %8s %8.2f %9.0f %9s %7s %8.3f %10.3f %7s\n' "$ch" \
			"$(pct "$m_nonzero" $((GUEST_BYTES / PAGE)))" \
			"$(awk -v m="$m_time_ms" 'BEGIN { print m / 1000 }')" \
			"$(awk -v b="$m_wire" 'BEGIN { print b / 1048576 }')" "$gbps" "$m_rounds" \
			"$c_seconds" "$c_gbps" "$ratio"
		if [ "$ch" = 4 ]; then
			link_gbps=$gbps
			ratio4=$ratio
		fi
	done
	for n in "${notes1[@]}"; do
		echo "$n"
	done
	echo "goal: 4 channels at least 0.8 x the TCP ceiling:" \
		"$(met "$(awk -v r="$ratio4" 'BEGIN { print (r >= 0.8) }')") (ratio $ratio4)"
fi

if [[ $TABLES == *2* ]]; then
	echo
	echo "Table 2: live migration over 4 channels, started when the guest idled (0 MB/s) or" \
		"${WARM_S}s after it began writing, --downtime-limit $DOWNTIME_LIMIT_MS --max-rounds $MAX_ROUNDS"
	printf '%-10s %8s %8s %8s %9s %10s %7s %9s %9s\n' dirty_MB/s pages/s nonzero time_s \
		gap_ms svsm_dt_ms rounds wire_MiB wire/RAM
	notes=()
	t2_mbs=()
	t2_ratio=()
	for row in idle "$RATE_50 $LIFETIME_50_S" "$RATE_200 $LIFETIME_200_S"; do
		if [ "$row" = idle ]; then
			migrate t2-idle 0 4 "$FILL_STEPS" "$IDLE_S" 0 \
				--downtime-limit "$DOWNTIME_LIMIT_MS" --max-rounds "$MAX_ROUNDS"
			pages_s=0
			ended="its ${IDLE_S}s idle phase ended first: the migration outlasted it"
		else
			read -r rate life <<<"$row"
			migrate "t2-r$rate" "$rate" 4 $((rate * 1000 * life)) 0 "$WARM_S" \
				--downtime-limit "$DOWNTIME_LIMIT_MS" --max-rounds "$MAX_ROUNDS"
			pages_s=$((rate * 1000 * VCPUS))
			ended="it outran ${life}s"
		fi
		mbs=$(awk -v p="$pages_s" 'BEGIN { printf "%.0f", p * 4096 / 1e6 }')
		per_ram=$(awk -v b="$m_wire" -v r="$GUEST_BYTES" 'BEGIN { printf "%.2f", b / r }')
		gap=$m_gap_ms
		# A guest that finished (steps, and idle time if any) before the checkpoint saw no
		# downtime at all: its gap says nothing, so the row shows the SVSM's own count,
		# marked with a '*'.
		if awk -v g="$m_gap_ms" -v d="$m_svsm_downtime_ms" 'BEGIN { exit !(g < d) }'; then
			gap="*$m_svsm_downtime_ms"
			notes+=("* at $mbs MB/s the guest finished before the checkpoint ($ended):" \
				"the SVSM's downtime is shown instead of its heartbeat gap")
			m_gap_ms=$m_svsm_downtime_ms
		fi
		printf '%-10s %8s %8s %8.2f %9s %10s %7s %9.0f %9s\n' "$mbs" "$pages_s" \
			"$(pct "$m_nonzero" $((GUEST_BYTES / PAGE)))" \
			"$(awk -v m="$m_time_ms" 'BEGIN { print m / 1000 }')" "$gap" \
			"$m_svsm_downtime_ms" "$m_rounds" \
			"$(awk -v b="$m_wire" 'BEGIN { print b / 1048576 }')" "$per_ram"
		if [ "$pages_s" = $((RATE_50 * 1000 * VCPUS)) ]; then
			gap50=$m_gap_ms
		fi
		t2_mbs+=("$mbs")
		t2_ratio+=("$per_ram")
	done
	for n in "${notes[@]}"; do
		echo "$n"
	done
	echo "goal: downtime (largest heartbeat gap) under 50 ms at ~50 MB/s:" \
		"$(met "$(awk -v g="$gap50" 'BEGIN { print (g < 50) }')") (${gap50} ms)"
	if [ -n "$link_gbps" ]; then
		for i in "${!t2_mbs[@]}"; do
			if awk -v d="${t2_mbs[$i]}" -v l="$link_gbps" 'BEGIN { exit !(d < l * 1000 / 4) }'; then
				echo "goal: at ${t2_mbs[$i]} MB/s (below a quarter of Table 1's ${link_gbps} GB/s" \
					"link) at most 1.5 x RAM on the wire:" \
					"$(met "$(awk -v r="${t2_ratio[$i]}" 'BEGIN { print (r <= 1.5) }')") (${t2_ratio[$i]} x)"
			else
				echo "goal: at ${t2_mbs[$i]} MB/s, not below a quarter of Table 1's ${link_gbps} GB/s" \
					"link: the 1.5 x RAM goal does not apply"
			fi
		done
	else
		echo "goal: bytes on the wire vs RAM needs Table 1's 4-channel throughput as the link (--tables 12)"
	fi
fi
