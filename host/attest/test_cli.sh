#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end tests of the svsm-attest CLI, printing the runner protocol of tests/framework/runner.c.
# make exports SVSM_ATTEST_TOOL and SVSM_SNP_FIXTURES (from $(SHARED_DIR)).
set -u

tool=${SVSM_ATTEST_TOOL:-}
fixtures=${SVSM_SNP_FIXTURES:-${SHARED_DIR:+$SHARED_DIR/fixtures/snp}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
current=""
current_ok=1

measurement=b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01
emu_measurement=5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a

start() {
	current=$1
	current_ok=1
	echo "[test] RUN cli.$current"
}

fail() {
	echo "[test] Failure: cli.$current: $*"
	current_ok=0
}

finish() {
	if [ $current_ok -eq 1 ]; then
		passed=$((passed + 1))
		echo "[test] PASS cli.$current"
	else
		failed=$((failed + 1))
		echo "[test] FAIL cli.$current"
	fi
}

# run EXPECTED_STATUS args...: runs the tool, keeps stdout/stderr in $work/out and $work/err.
run() {
	expected=$1
	shift
	"$tool" "$@" >"$work/out" 2>"$work/err"
	status=$?
	if [ "$status" -ne "$expected" ]; then
		fail "exit $status, expected $expected: $*"
		sed 's/^/    /' "$work/err"
	fi
}

expect_out() {
	grep -q -- "$1" "$work/out" || fail "stdout lacks '$1'"
}

expect_err() {
	grep -q -- "$1" "$work/err" || fail "stderr lacks '$1'"
}

echo "[test] PLAN 10"
if [ -z "$tool" ] || [ ! -x "$tool" ] || [ -z "$fixtures" ] || [ ! -f "$fixtures/milan-report.bin" ]; then
	echo "[test] Failure: SVSM_ATTEST_TOOL ($tool) or fixtures ($fixtures) missing: run through make"
	echo "[test] DONE 0 passed, 10 failed"
	exit 1
fi
milan="--report $fixtures/milan-report.bin --vcek $fixtures/milan-vcek.der --chain $fixtures/milan-ask-ark.pem"

start milan_verifies_without_policy
run 0 verify $milan
expect_out '"valid": true'
expect_out '"emulated": false'
expect_out "\"measurement\": \"$measurement\""
expect_out '"policy_evaluated": false'
finish

start tampered_milan_report_is_rejected
cp "$fixtures/milan-report.bin" "$work/bad.bin"
printf '\377' | dd of="$work/bad.bin" bs=1 seek=144 conv=notrunc 2>/dev/null
run 1 verify --report "$work/bad.bin" --vcek "$fixtures/milan-vcek.der" --chain "$fixtures/milan-ask-ark.pem"
expect_out '"valid": false'
expect_out 'signature does not verify'
finish

start milan_with_policy_is_refused_for_debug
run 0 policy build --allow-measurement $measurement --min-tcb bl=2,tee=0,snp=5,ucode=0x44 -o "$work/milan.pol"
run 1 verify $milan --policy "$work/milan.pol"
expect_out '"reason": "peer guest policy allows debugging"'
expect_out '"measurement_allowed"'
finish

start missing_and_malformed_files_are_usage_errors
run 2 verify --report "$work/none.bin" --vcek "$fixtures/milan-vcek.der" --chain "$fixtures/milan-ask-ark.pem"
expect_err 'cannot open report file'
run 2 verify $milan --policy "$fixtures/milan-report.bin"
expect_err 'policy file'
run 2 verify --report "$fixtures/milan-report.bin"
expect_err 'needs --report, --vcek and --chain'
run 2 verify $milan --frobnicate
expect_err "unknown argument '--frobnicate'"
finish

start help_prints_usage
run 0 --help
expect_out 'svsm-attest verify'
run 0 verify --help
expect_out 'policy build'
finish

start emulated_report_needs_explicit_permission
run 0 emulate --measurement $emu_measurement --report-data 0102 --out-report "$work/e.bin" --out-vcek "$work/e.der" --out-chain "$work/e.pem"
expect_err 'EMULATED'
emu="--report $work/e.bin --vcek $work/e.der --chain $work/e.pem"
run 1 verify $emu
expect_out 'proves nothing'
run 0 verify $emu --allow-emulated
expect_out '"emulated": true'
expect_out 'PROVES NOTHING'
expect_out '"report_data": "0102000000'
finish

start emulated_report_meets_a_self_policy
run 0 policy build --same-measurement --allow-emulated -o "$work/emu.pol"
run 0 verify $emu --policy "$work/emu.pol" --self-report "$work/e.bin"
expect_out '"valid": true'
run 1 verify $emu --policy "$work/emu.pol"
expect_out 'needs our own report'
run 1 verify $emu --policy "$work/milan.pol"
expect_out 'does not allow emulated reports'
finish

start vmpl_other_than_zero_fails_the_policy
run 0 emulate --measurement $emu_measurement --report-data 00 --vmpl 2 --out-report "$work/v.bin" --out-vcek "$work/v.der" --out-chain "$work/v.pem"
run 1 verify --report "$work/v.bin" --vcek "$work/v.der" --chain "$work/v.pem" --policy "$work/emu.pol" --self-report "$work/e.bin"
expect_out '"reason": "peer report was not requested at VMPL0"'
finish

start policy_dump_shows_what_was_built
run 0 policy dump "$work/milan.pol"
expect_out '"no_tcb_downgrade": true'
expect_out '"snp": 5'
expect_out "\"0\": \"$measurement\""
expect_out '"guest_policy_forbidden": "0x80000"'
finish

start bad_input_writes_nothing
run 2 policy build --min-tcb bl=2,tee=0 --same-measurement -o "$work/x.pol"
expect_err "'snp' is missing"
run 2 policy build --allow-measurement 1234 -o "$work/x.pol"
run 2 policy build -o "$work/x.pol"
run 2 emulate --measurement $emu_measurement --report-data 00 --vmpl 4 --out-report "$work/x.bin" --out-vcek "$work/x.der" --out-chain "$work/x.pem"
for f in x.pol x.pol.tmp x.bin x.der x.pem; do
	[ ! -e "$work/$f" ] || fail "$f was written"
done
finish

echo "[test] DONE $passed passed, $failed failed"
[ $failed -eq 0 ]
